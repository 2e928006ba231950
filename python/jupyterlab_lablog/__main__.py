"""``python -m jupyterlab_lablog``: the same as the ``lablog`` command."""

from jupyterlab_lablog.node import main

main()

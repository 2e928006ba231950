"""The Jupyter server side: a ``jupyter_serverproxy_servers`` entry point.

jupyter-server-proxy starts the agent on the first request under ``<base_url>lablog/`` and
stops it with the Jupyter server; every request is behind Jupyter's own authentication.

- Store: ``$LABLOG_STORE``, else ``<jupyter data dir>/lablog`` (``~/.local/share/jupyter/lablog``
  on Linux), one per user.
- Port: a free loopback port chosen when the server starts, so kernels know it before the agent
  runs: ``MLFLOW_TRACKING_URI`` is set to it in the server's environment (when the user has not
  set one), which every kernel the server launches inherits. A cell that logs before the agent
  is up gets "connection refused" and MLflow's client retries with backoff, so nothing is logged
  to ./mlruns meanwhile; once the notebook is linked the extension points the kernel at its
  session's prefix.
- An agent already serving the store (a second Jupyter server, ``lablog serve`` by hand) is
  reused: ``lablog serve --jupyter`` then forwards the port to it instead of starting another.
- Requests forwarded by the proxy carry the secret the agent wrote in ``<store>/agent.json``
  (``x-lablog-proxy``), so the agent accepts Jupyter's Host header for them.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

from jupyterlab_lablog.node import agent_command

#: The name the proxy is mounted under: ``<base_url>lablog/``.
PROXY_NAME = "lablog"


def default_store() -> Path:
    """The store the Jupyter server's agent uses: ``$LABLOG_STORE``, else ``<jupyter data dir>/lablog``."""
    given = os.environ.get("LABLOG_STORE")
    if given:
        return Path(given).expanduser().resolve()
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "lablog"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _escape(value: str) -> str:
    """jupyter-server-proxy formats every string of the command with ``{port}``: keep braces literal."""
    return value.replace("{", "{{").replace("}", "}}")


class _ProxySecret:
    """Reads the proxy secret from ``<store>/agent.json`` (re-read when the file changes)."""

    def __init__(self, store: Path) -> None:
        self.path = store / "agent.json"
        self.mtime = -1.0
        self.secret = ""

    def headers(self) -> dict[str, str]:
        try:
            mtime = self.path.stat().st_mtime
            if mtime != self.mtime:
                self.secret = str(json.loads(self.path.read_text()).get("proxy_secret", ""))
                self.mtime = mtime
        except (OSError, ValueError):
            self.secret = ""
        return {"X-Lablog-Proxy": self.secret} if self.secret else {}


def setup_lablog() -> dict[str, Any]:
    """The server process jupyter-server-proxy runs and proxies under ``<base_url>lablog/``."""
    store = default_store()
    port = int(os.environ.get("LABLOG_PORT") or _free_port())
    # kernels launched by this server log here until the extension links them (see the module doc)
    os.environ.setdefault("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")
    secret = _ProxySecret(store)
    command = [_escape(a) for a in agent_command("serve", "--jupyter", "--host", "127.0.0.1", "--port", "{port}", "--store", str(store))]
    command[command.index("{{port}}")] = "{port}"
    return {
        "command": command,
        "port": port,
        "timeout": 30,
        "absolute_url": False,
        "request_headers_override": lambda: secret.headers(),
        "launcher_entry": {"enabled": True, "title": "lablog"},
        "new_browser_tab": True,
    }

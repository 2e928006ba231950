"""The Python side of the test JupyterLab: jupyterlab_server's LabServerApp serving the host
app built by build.js (static files, settings schemas, themes) on Debian's jupyter_server.

Prebuilt extensions are found the way JupyterLab finds them: in `labextensions/` under every
Jupyter data path (JUPYTER_PATH first). Settings and workspaces live in a folder given with
--LablogLabApp.state_dir so each test server starts clean.

Three endpoints JupyterLab 4.6 calls do not exist in jupyter_server 1.x; stubs answer them
so the page logs no errors: the identity (/api/me), the event bus WebSocket
(/api/events/subscribe, accepted and left silent) and the language-server status (/lsp/status).

Run with /usr/bin/python3 (Debian's interpreter, which sees the Debian Jupyter packages):
    /usr/bin/python3 server.py --ip=127.0.0.1 --port=8888 --ServerApp.token= \
        --LablogLabApp.state_dir=/tmp/x --ServerApp.root_dir=/some/notebooks
"""

import json
import os

from jupyter_server.base.handlers import APIHandler
from jupyterlab_server import LabServerApp
from tornado import web, websocket
from traitlets import Unicode, default

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")


class MeHandler(APIHandler):
    """The current user's identity, as jupyter_server 2's /api/me describes it."""

    @web.authenticated
    def get(self):
        self.finish(
            json.dumps(
                {
                    "identity": {
                        "username": "tester",
                        "name": "Tester",
                        "display_name": "Tester",
                        "initials": "T",
                        "avatar_url": None,
                        "color": None,
                    },
                    "permissions": {},
                }
            )
        )


class EventsSocket(websocket.WebSocketHandler):
    """The event bus: accepts the subscription (same-origin, tornado's default check) and
    never sends (no events here)."""

    def on_message(self, message):
        pass


class LspStatusHandler(APIHandler):
    """No language servers."""

    @web.authenticated
    def get(self):
        self.finish(json.dumps({"version": 2, "sessions": {}, "specs": {}}))


class LablogLabApp(LabServerApp):
    """JupyterLab served from the host build in ./build."""

    name = "lablog_jupyterlab_host"
    app_name = "JupyterLab"
    app_url = "/lab"
    extension_url = "/lab"
    default_url = "/lab"
    load_other_extensions = False

    state_dir = Unicode("", config=True, help="Folder for user settings and workspaces.")

    @default("app_version")
    def _app_version(self):
        with open(os.path.join(HERE, "node_modules", "@jupyterlab", "core-meta", "package.json")) as f:
            return json.load(f)["version"]

    @default("static_dir")
    def _static_dir(self):
        return os.path.join(BUILD, "static")

    @default("schemas_dir")
    def _schemas_dir(self):
        return os.path.join(BUILD, "schemas")

    @default("themes_dir")
    def _themes_dir(self):
        return os.path.join(BUILD, "themes")

    @default("templates_dir")
    def _templates_dir(self):
        return os.path.join(HERE, "templates")

    @default("app_settings_dir")
    def _app_settings_dir(self):
        # overrides.json: settings defaults of this test setup (no news or update checks)
        return os.path.join(HERE, "settings")

    @default("user_settings_dir")
    def _user_settings_dir(self):
        return os.path.join(self.state_dir or BUILD, "user_settings")

    @default("workspaces_dir")
    def _workspaces_dir(self):
        return os.path.join(self.state_dir or BUILD, "workspaces")

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers.extend(
            [
                (r"/api/me", MeHandler),
                (r"/api/events/subscribe", EventsSocket),
                (r"/lsp/status", LspStatusHandler),
            ]
        )


def _jupyter_server_extension_points():
    # how jupyter_server finds the app in this module (run as __main__)
    return [{"module": __name__, "app": LablogLabApp}]


if __name__ == "__main__":
    LablogLabApp.launch_instance()

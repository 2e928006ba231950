"""
pytest plugin: runs MLflow's own server tests (tests/tracking/test_rest_tracking.py,
test_model_registry.py, test_mlflow_artifacts.py at v2.12.2) against the lablog agent instead of
MLflow's server. Only the fixtures' server launchers are swapped:

- ``tests.tracking.integration_test_utils._init_server`` (used by the ``mlflow_client`` and
  ``client`` fixtures) starts ``lablog serve`` on a fresh store in a temporary folder and yields its
  URL; the backend URI and artifact root MLflow's fixture passes are ignored (the agent has one
  store and serves artifacts through its proxy API); ``extra_env`` reaches the agent's environment.
- ``_launch_server`` of test_mlflow_artifacts.py starts the agent the same way; the tests read the
  files MLflow's server wrote under ``--artifacts-destination``, so that folder is made a symlink to
  the store's proxy artifact root.

Loaded with ``-p lablog_conformance`` (scripts/conformance.sh puts this folder on PYTHONPATH);
LABLOG_AGENT_JS names the agent's launcher (agent/bin/lablog.js).
"""
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

AGENT_JS = os.environ.get("LABLOG_AGENT_JS")
NODE = os.environ.get("LABLOG_NODE", shutil.which("node") or "node")

# the folder of a store where the proxy API keeps paths that are no run's or model's
PROXY_ROOT = "proxy-artifacts"


def _start_agent(port, store, extra_env=None):
    if not AGENT_JS:
        raise RuntimeError("LABLOG_AGENT_JS is not set (the agent's agent/bin/lablog.js)")
    log = open(os.path.join(os.path.dirname(store), "agent.log"), "ab")
    proc = subprocess.Popen(
        [NODE, AGENT_JS, "serve", "--host", "127.0.0.1", "--port", str(port), "--store", store],
        stdout=log,
        stderr=log,
        env={**os.environ, **(extra_env or {})},
    )
    return proc


@contextlib.contextmanager
def _init_server(backend_uri, root_artifact_uri, extra_env=None, app="mlflow.server:app"):
    import mlflow
    from tests.helper_functions import LOCALHOST, get_safe_port
    from tests.tracking.integration_test_utils import _await_server_up_or_die

    mlflow.set_tracking_uri(None)
    port = get_safe_port()
    tmp = tempfile.mkdtemp(prefix="lablog-conformance-")
    proc = _start_agent(port, os.path.join(tmp, "store"), extra_env)
    try:
        _await_server_up_or_die(port)
        yield f"http://{LOCALHOST}:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


def _launch_server(host, port, backend_store_uri, default_artifact_root, artifacts_destination):
    from tests.tracking.integration_test_utils import _await_server_up_or_die

    store = os.path.join(os.path.dirname(artifacts_destination), "lablog-store")
    proc = _start_agent(port, store)
    _await_server_up_or_die(port)
    os.makedirs(os.path.join(store, PROXY_ROOT), exist_ok=True)
    os.symlink(os.path.join(store, PROXY_ROOT), artifacts_destination)
    return proc


def pytest_configure(config):
    # before the test modules import it by name
    import tests.tracking.integration_test_utils as utils

    utils._init_server = _init_server


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and hasattr(module, "_launch_server"):
            module._launch_server = _launch_server

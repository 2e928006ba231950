"""
Fixtures of the end-to-end suite: one lablog agent on a fresh store for the session (the built
agent, agent/bin/lablog.js, or LABLOG_AGENT_JS), and the real mlflow client pointed at it.
"""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import uuid

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
AGENT_JS = os.environ.get("LABLOG_AGENT_JS", str(REPO / "agent" / "bin" / "lablog.js"))


@pytest.fixture(scope="session")
def agent():
    tmp = tempfile.mkdtemp(prefix="lablog-e2e-")
    node = os.environ.get("LABLOG_NODE") or shutil.which("node") or "node"
    proc = subprocess.Popen(
        [node, AGENT_JS, "serve", "--port", "0", "--store", os.path.join(tmp, "store")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = proc.stdout.readline()
    match = re.search(r"lablog agent on (http://\S+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"the agent did not start: {line}{proc.stdout.read()}")
    yield {"url": match.group(1), "store": os.path.join(tmp, "store")}
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def tracking(agent, monkeypatch, tmp_path):
    """The mlflow client logging to the agent, in an experiment of its own; yields the agent's URL."""
    import mlflow

    monkeypatch.setenv("MLFLOW_TRACKING_URI", agent["url"])
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(agent["url"])
    mlflow.set_registry_uri(agent["url"])
    mlflow.set_experiment(f"e2e-{uuid.uuid4().hex[:8]}")
    yield agent["url"]
    while mlflow.active_run():
        mlflow.end_run()
    mlflow.tracking.fluent._active_experiment_id = None

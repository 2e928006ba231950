"""The real MLflow client against a lablog team server with users (``lablog serve --auth``).

Driven by test/python/mlflowBasicAuth.test.ts, which starts the agent and passes its URL in
LABLOG_AUTH_URL and the first admin's credentials in LABLOG_AUTH_ADMIN / LABLOG_AUTH_ADMIN_PASSWORD.
Each test signs in as someone through MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD, as a
team member's script does.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import mlflow
import pytest
import requests
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.server import get_app_client

URL = os.environ["LABLOG_AUTH_URL"]
ADMIN = os.environ["LABLOG_AUTH_ADMIN"]
ADMIN_PASSWORD = os.environ["LABLOG_AUTH_ADMIN_PASSWORD"]


@contextmanager
def signed_in(username: str, password: str) -> Iterator[None]:
    """Runs the block as `username`, the way a script sets its credentials."""
    old = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")}
    os.environ["MLFLOW_TRACKING_USERNAME"] = username
    os.environ["MLFLOW_TRACKING_PASSWORD"] = password
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def grant(auth, experiment_id: str, username: str, permission: str) -> None:
    """Grants with whichever API this MLflow version's client has (2.x per-resource, 3.x unified)."""
    if hasattr(auth, "create_experiment_permission"):
        auth.create_experiment_permission(experiment_id, username, permission)
    else:
        auth.grant_user_permission(username, "experiment", experiment_id, permission)


@pytest.fixture(scope="module")
def users() -> dict[str, str]:
    mlflow.set_tracking_uri(URL)
    suffix = uuid.uuid4().hex[:6]
    names = {"owner": f"ann-{suffix}", "other": f"ben-{suffix}"}
    with signed_in(ADMIN, ADMIN_PASSWORD):
        auth = get_app_client("basic-auth", tracking_uri=URL)
        for name in names.values():
            user = auth.create_user(name, f"{name}-password")
            assert user.username == name
            assert not user.is_admin
        assert auth.get_user(names["owner"]).username == names["owner"]
    return names


def test_owner_logs_a_run_that_is_theirs(users: dict[str, str]) -> None:
    owner = users["owner"]
    with signed_in(owner, f"{owner}-password"):
        exp = mlflow.set_experiment(f"{owner}-exp")
        with mlflow.start_run() as run:
            mlflow.log_param("lr", 0.01)
            for step in range(5):
                mlflow.log_metric("loss", 1 / (step + 1), step=step)
        got = MlflowClient().get_run(run.info.run_id)
        assert got.info.user_id == owner
        assert got.data.params == {"lr": "0.01"}
        auth = get_app_client("basic-auth", tracking_uri=URL)
        if hasattr(auth, "get_experiment_permission"):
            assert auth.get_experiment_permission(exp.experiment_id, owner).permission == "MANAGE"
        else:
            assert auth.get_user_permission(owner, "experiment", exp.experiment_id).permission == "MANAGE"


def test_another_user_reads_but_may_not_write_until_granted(users: dict[str, str]) -> None:
    owner, other = users["owner"], users["other"]
    with signed_in(owner, f"{owner}-password"):
        exp = mlflow.set_experiment(f"{owner}-shared")
        run_id = MlflowClient().create_run(exp.experiment_id).info.run_id
    with signed_in(other, f"{other}-password"):
        client = MlflowClient()
        assert client.get_run(run_id).info.run_id == run_id  # READ by default
        with pytest.raises(MlflowException) as refused:
            client.log_metric(run_id, "loss", 0.5)
        assert refused.value.error_code == "PERMISSION_DENIED"
        with pytest.raises(MlflowException) as refused:
            client.create_run(exp.experiment_id)
        assert refused.value.error_code == "PERMISSION_DENIED"
        with pytest.raises(MlflowException):
            get_app_client("basic-auth", tracking_uri=URL).create_user(f"x-{uuid.uuid4().hex[:6]}", "pw")
    with signed_in(owner, f"{owner}-password"):
        grant(get_app_client("basic-auth", tracking_uri=URL), exp.experiment_id, other, "EDIT")
    with signed_in(other, f"{other}-password"):
        MlflowClient().log_metric(run_id, "loss", 0.5)
        with pytest.raises(MlflowException) as refused:
            MlflowClient().delete_run(run_id)  # deleting needs MANAGE
        assert refused.value.error_code == "PERMISSION_DENIED"


def test_artifacts_follow_the_experiment(users: dict[str, str], tmp_path) -> None:
    owner, other = users["owner"], users["other"]
    with signed_in(owner, f"{owner}-password"):
        mlflow.set_experiment(f"{owner}-artifacts")
        with mlflow.start_run() as run:
            mlflow.log_text("hello from the owner", "notes/hello.txt")
    with signed_in(other, f"{other}-password"):
        path = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="notes/hello.txt", dst_path=str(tmp_path))
        with open(path) as f:
            assert f.read() == "hello from the owner"
        with pytest.raises(Exception) as refused:  # the artifact repository raises requests' HTTPError
            MlflowClient().log_text(run.info.run_id, "not mine", "notes/intruder.txt")
        assert "403" in str(refused.value)


def test_closed_experiment_is_hidden_from_search(users: dict[str, str]) -> None:
    owner, other = users["owner"], users["other"]
    with signed_in(owner, f"{owner}-password"):
        exp = mlflow.set_experiment(f"{owner}-private")
        grant(get_app_client("basic-auth", tracking_uri=URL), exp.experiment_id, other, "NO_PERMISSIONS")
    with signed_in(other, f"{other}-password"):
        names = [e.name for e in mlflow.search_experiments()]
        assert f"{owner}-private" not in names
        assert f"{owner}-shared" in names
        with pytest.raises(MlflowException) as refused:
            mlflow.search_runs([exp.experiment_id])
        assert refused.value.error_code == "PERMISSION_DENIED"


def test_a_personal_token_signs_in_as_its_user(users: dict[str, str]) -> None:
    owner = users["owner"]
    made = requests.post(f"{URL}/api/2.0/lablog/auth/tokens", json={"name": "script"}, auth=(owner, f"{owner}-password"), timeout=30)
    assert made.status_code == 200
    old = os.environ.get("MLFLOW_TRACKING_TOKEN")
    os.environ["MLFLOW_TRACKING_TOKEN"] = made.json()["token"]
    try:
        exp = mlflow.set_experiment(f"{owner}-token")
        with mlflow.start_run() as run:
            mlflow.log_metric("loss", 0.1)
        assert MlflowClient().get_run(run.info.run_id).info.user_id == owner
        assert exp.experiment_id
    finally:
        if old is None:
            os.environ.pop("MLFLOW_TRACKING_TOKEN", None)
        else:
            os.environ["MLFLOW_TRACKING_TOKEN"] = old


def test_wrong_password_is_refused(users: dict[str, str]) -> None:
    with signed_in(users["owner"], "not-the-password"):
        with pytest.raises(MlflowException) as refused:
            MlflowClient().search_experiments()
        assert "401" in str(refused.value) or refused.value.error_code == "UNAUTHENTICATED"

"""Records the real MLflow 3 client talking to the real MLflow 3 server, one transcript per scenario.

    /work/venvs/mlflow3/bin/python python/transcripts/record_mlflow3.py test/fixtures/mlflow3-transcripts

Starts `mlflow server` from this Python's environment (fresh SQLite store and artifact folder in
a temp dir, artifacts served), puts a RecordingProxy between it and the client, runs each
scenario below in this process with the client pointed at the proxy, and writes
`<out>/<scenario>.jsonl` (format: test/fixtures/mlflow-transcripts/README.md). The agent's
replay of these files is test/mlflow/transcriptReplay.test.ts. Needs the packages of
python/e2e-requirements.txt (mlflow pinned, scikit-learn).
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from typing import Callable

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from recording_proxy import RecordingProxy  # noqa: E402

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import mlflow  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

SUFFIX = uuid.uuid4().hex[:6]
REQS = ["scikit-learn==1.7.2"]  # fixed, so that log_model does not infer (and record) this machine's


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = (x[:, 0] > 0).astype(int)
    return x, y


def _dataset():
    x, y = _data()
    df = pd.DataFrame(x, columns=["a", "b", "c"]).assign(label=y)
    return mlflow.data.from_pandas(df, source="s3://bucket/train.parquet", name="train", targets="label")


def m01_metrics_model_id_datasets() -> None:
    """log_metric plain, with a dataset and with a model_id; log_inputs; params; tags."""
    mlflow.set_experiment(f"m3-metrics-{SUFFIX}")
    ds = _dataset()
    with mlflow.start_run(run_name="metrics") as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_input(ds, context="training", tags={"split": "train"})
        model = mlflow.initialize_logged_model(name="ext", model_type="agent", tags={"owner": "me"})
        for step in range(3):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
            mlflow.log_metric("acc", 0.5 + step / 10, step=step, dataset=ds)
            mlflow.log_metric("eval_acc", 0.4 + step / 10, step=step, model_id=model.model_id, dataset=ds)
        mlflow.log_metrics({"f1": 0.7, "auc": 0.8}, step=3, model_id=model.model_id)
        mlflow.finalize_logged_model(model.model_id, "READY")
        mlflow.set_tag("stage", "dev")
        mlflow.set_tags({"team": "ml", "tmp": "x"})
        mlflow.delete_tag("tmp")
        client = MlflowClient()
        client.get_metric_history(run.info.run_id, "eval_acc")
    r = mlflow.get_run(run.info.run_id)
    assert r.inputs.dataset_inputs, r.inputs
    mlflow.get_logged_model(model.model_id)


def m02_log_model_sklearn() -> None:
    """sklearn.log_model(name=…): logged model PENDING → artifacts → READY; then load it back."""
    mlflow.set_experiment(f"m3-logmodel-{SUFFIX}")
    x, y = _data()
    clf = LogisticRegression().fit(x, y)
    with mlflow.start_run(run_name="train"):
        mlflow.log_params({"C": 1.0, "solver": "lbfgs"})
        for step in range(3):
            mlflow.log_metric("train_loss", 0.9 - step * 0.1, step=step)
        mlflow.log_metric("accuracy", float(clf.score(x, y)), step=2)
        info = mlflow.sklearn.log_model(clf, name="model", pip_requirements=REQS)
    lm = mlflow.get_logged_model(info.model_id)
    assert lm.status.to_int() == 2 or str(lm.status).endswith("READY"), lm.status
    loaded = mlflow.sklearn.load_model(f"models:/{info.model_id}")
    assert (loaded.predict(x) == clf.predict(x)).all()


def m03_registry_aliases() -> None:
    """register_model from runs:/ and models:/<model_id>; aliases; version tags; load by alias."""
    mlflow.set_experiment(f"m3-registry-{SUFFIX}")
    x, y = _data()
    clf = LogisticRegression().fit(x, y)
    with mlflow.start_run(run_name="reg") as run:
        info = mlflow.sklearn.log_model(clf, name="model", pip_requirements=REQS)
    name = f"m3-clf-{SUFFIX}"
    v1 = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
    v2 = mlflow.register_model(f"models:/{info.model_id}", name)
    client = MlflowClient()
    client.set_registered_model_alias(name, "champion", v2.version)
    client.set_registered_model_alias(name, "old", v1.version)
    client.set_model_version_tag(name, v2.version, "validated", "yes")
    client.get_model_version_by_alias(name, "champion")
    client.delete_registered_model_alias(name, "old")
    client.get_registered_model(name)
    client.search_model_versions(f"name = '{name}'")
    mlflow.get_logged_model(info.model_id)
    loaded = mlflow.sklearn.load_model(f"models:/{name}@champion")
    assert (loaded.predict(x) == clf.predict(x)).all()


def m04_search_logged_models() -> None:
    """Logged models with params, tags and metrics; search_logged_models with filters, order and pages."""
    exp = mlflow.set_experiment(f"m3-search-models-{SUFFIX}")
    ds = _dataset()
    ids = []
    with mlflow.start_run(run_name="sweep"):
        for i, lr in enumerate([0.1, 0.01, 0.001]):
            m = mlflow.initialize_logged_model(name=f"cand-{i}", params={"lr": str(lr)}, tags={"family": "lin" if i < 2 else "tree"})
            mlflow.log_metric("score", 0.6 + i / 10, step=0, model_id=m.model_id, dataset=ds)
            mlflow.finalize_logged_model(m.model_id, "READY" if i < 2 else "FAILED")
            ids.append(m.model_id)
    mlflow.set_logged_model_tags(ids[0], {"note": "best", "tmp": "1"})
    mlflow.delete_logged_model_tag(ids[0], "tmp")
    mlflow.search_logged_models(experiment_ids=[exp.experiment_id], output_format="list")
    mlflow.search_logged_models(experiment_ids=[exp.experiment_id], filter_string="params.lr = '0.01'", output_format="list")
    mlflow.search_logged_models(experiment_ids=[exp.experiment_id], filter_string="tags.family = 'lin' AND metrics.score > 0.6", output_format="list")
    mlflow.search_logged_models(experiment_ids=[exp.experiment_id], order_by=[{"field_name": "metrics.score", "ascending": False}], output_format="list")
    mlflow.search_logged_models(experiment_ids=[exp.experiment_id], filter_string="status = 'READY'", output_format="list")
    client = MlflowClient()
    page = client.search_logged_models(experiment_ids=[exp.experiment_id], max_results=2)
    client.search_logged_models(experiment_ids=[exp.experiment_id], max_results=2, page_token=page.token)
    mlflow.search_logged_models(experiment_ids=[exp.experiment_id], output_format="pandas")


def m05_tags_and_search_runs() -> None:
    """Experiment and run tags set and deleted; search_runs as DataFrame and list, filters, order, pages."""
    exp = mlflow.set_experiment(f"m3-search-runs-{SUFFIX}")
    client = MlflowClient()
    client.set_experiment_tag(exp.experiment_id, "project", "lablog")
    for i in range(4):
        with mlflow.start_run(run_name=f"r{i}") as run:
            mlflow.log_params({"depth": i, "kind": "even" if i % 2 == 0 else "odd"})
            mlflow.log_metric("rmse", 1.0 - i * 0.2)
            mlflow.set_tags({"group": "a" if i < 2 else "b", "drop": "me"})
        client.delete_tag(run.info.run_id, "drop")
    client.delete_experiment_tag(exp.experiment_id, "project")
    mlflow.search_runs(experiment_ids=[exp.experiment_id])
    mlflow.search_runs(experiment_ids=[exp.experiment_id], filter_string="metrics.rmse < 0.7 and params.kind = 'even'", order_by=["metrics.rmse ASC"])
    mlflow.search_runs(experiment_names=[exp.name], filter_string="tags.group = 'b'", output_format="list")
    page = client.search_runs([exp.experiment_id], max_results=3, order_by=["attributes.start_time DESC"])
    client.search_runs([exp.experiment_id], max_results=3, page_token=page.token, order_by=["attributes.start_time DESC"])
    client.get_experiment(exp.experiment_id)


SCENARIOS: list[Callable[[], None]] = [
    m01_metrics_model_id_datasets,
    m02_log_model_sklearn,
    m03_registry_aliases,
    m04_search_logged_models,
    m05_tags_and_search_runs,
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mlflow_server(tmp: str) -> tuple[subprocess.Popen, int]:
    """`mlflow server` of this environment on a fresh SQLite store, serving artifacts; waits for /health."""
    port = _free_port()
    mlflow_bin = str(pathlib.Path(sys.executable).with_name("mlflow"))
    proc = subprocess.Popen(
        [mlflow_bin, "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{tmp}/mlflow.db", "--artifacts-destination", f"{tmp}/artifacts"],
        stdout=subprocess.DEVNULL, stderr=open(f"{tmp}/server.log", "wb"), cwd=tmp,
    )
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(pathlib.Path(f"{tmp}/server.log").read_text())
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("mlflow server did not start")


def main() -> None:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/mlflow3-transcripts")
    only = set(sys.argv[2:])
    out.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="mlflow3-record-")
    server, port = start_mlflow_server(tmp)
    proxy = RecordingProxy(f"127.0.0.1:{port}")
    work = pathlib.Path(tmp, "work")
    work.mkdir()
    os.chdir(work)
    mlflow.set_tracking_uri(proxy.url)
    mlflow.set_registry_uri(proxy.url)
    try:
        for scenario in SCENARIOS:
            if only and scenario.__name__ not in only:
                continue
            proxy.take()
            scenario()
            exchanges = proxy.take()
            path = out / f"{scenario.__name__}.jsonl"
            with path.open("w") as f:
                for ex in exchanges:
                    f.write(json.dumps(ex) + "\n")
            print(f"{path}: {len(exchanges)} exchanges")
    finally:
        proxy.close()
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

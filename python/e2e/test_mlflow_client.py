"""
The real mlflow client, end to end, against the lablog agent: what a notebook user calls, and
what they see. Runs under mlflow 3.x (python/e2e-requirements.txt) and 2.12.2
(python/conformance-requirements.txt); the MLflow 3 features are skipped under 2.x.
"""
import logging
import time

import numpy as np
import pandas as pd
import pytest
import requests
from packaging.version import Version

import mlflow
from mlflow import MlflowClient

MLFLOW3 = Version(mlflow.__version__).major >= 3
needs3 = pytest.mark.skipif(not MLFLOW3, reason="an MLflow 3 feature")


def _model():
    from sklearn.linear_model import LogisticRegression

    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1]])
    y = np.array([0, 1, 0, 1])
    return LogisticRegression().fit(X, y), X, y


def test_experiments_runs_params_metrics_tags_and_nested_runs(tracking):
    with mlflow.start_run(run_name="parent") as parent:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"layers": 3, "opt": "adam"})
        mlflow.set_tag("team", "vision")
        for step in range(5):
            mlflow.log_metric("loss", 1 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.5, "f1": 0.4}, step=4)
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_metric("loss", 0.3)
    client = MlflowClient()
    run = client.get_run(parent.info.run_id)
    assert run.data.params == {"lr": "0.01", "layers": "3", "opt": "adam"}
    assert run.data.metrics == {"loss": 0.2, "acc": 0.5, "f1": 0.4}
    assert run.data.tags["team"] == "vision"
    assert run.info.status == "FINISHED"
    history = client.get_metric_history(parent.info.run_id, "loss")
    assert [m.step for m in history] == [0, 1, 2, 3, 4]
    kid = client.get_run(child.info.run_id)
    assert kid.data.tags["mlflow.parentRunId"] == parent.info.run_id
    exp = mlflow.get_experiment(parent.info.experiment_id)
    assert exp.lifecycle_stage == "active"
    found = client.search_runs([exp.experiment_id], filter_string="tags.mlflow.parentRunId = '%s'" % parent.info.run_id)
    assert [r.info.run_id for r in found] == [child.info.run_id]


def test_search_runs_gives_a_dataframe(tracking):
    for i in range(3):
        with mlflow.start_run():
            mlflow.log_param("i", i)
            mlflow.log_metric("score", i * 10)
    exp_id = mlflow.get_experiment_by_name(mlflow.get_experiment(mlflow.tracking.fluent._get_experiment_id()).name).experiment_id
    df = mlflow.search_runs([exp_id], order_by=["metrics.score DESC"])
    assert isinstance(df, pd.DataFrame)
    assert list(df["metrics.score"]) == [20.0, 10.0, 0.0]
    assert list(df["params.i"]) == ["2", "1", "0"]


def test_datasets_are_inputs_of_the_run(tracking):
    df = pd.DataFrame({"x": [1, 2, 3], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(df, name="toy", targets="y")
    with mlflow.start_run() as run:
        mlflow.log_input(dataset, context="training")
    inputs = mlflow.get_run(run.info.run_id).inputs.dataset_inputs
    assert [(i.dataset.name, i.dataset.digest) for i in inputs] == [("toy", dataset.digest)]
    assert {t.key: t.value for t in inputs[0].tags}["mlflow.data.context"] == "training"


@needs3
def test_log_metric_with_a_model_id_and_a_dataset(tracking):
    df = pd.DataFrame({"x": [1, 2, 3], "y": [0, 1, 0]})
    dataset = mlflow.data.from_pandas(df, name="eval", targets="y")
    model, X, _ = _model()
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", input_example=X[:1])
        mlflow.log_metric("accuracy", 0.75, step=1, model_id=info.model_id, dataset=dataset)
    got = mlflow.get_run(run.info.run_id)
    assert got.data.metrics["accuracy"] == 0.75
    logged = mlflow.get_logged_model(info.model_id)
    assert [(m.key, m.value, m.dataset_name) for m in logged.metrics if m.key == "accuracy"] == [("accuracy", 0.75, "eval")]


@needs3
def test_log_model_makes_a_ready_logged_model_with_its_artifacts(tracking):
    model, X, _ = _model()
    with mlflow.start_run() as run:
        mlflow.log_param("C", 1.0)
        info = mlflow.sklearn.log_model(model, name="model", input_example=X[:1])
    assert info.model_uri == f"models:/{info.model_id}"
    logged = mlflow.get_logged_model(info.model_id)
    assert str(logged.status) in ("READY", "LoggedModelStatus.READY")
    assert logged.source_run_id == run.info.run_id
    assert logged.name == "model"
    files = {f.path for f in MlflowClient().list_logged_model_artifacts(info.model_id)}
    assert "MLmodel" in files and any(f.startswith("model.") for f in files)
    outputs = mlflow.get_run(run.info.run_id).outputs.model_outputs
    assert [o.model_id for o in outputs] == [info.model_id]
    found = mlflow.search_logged_models(experiment_ids=[run.info.experiment_id], output_format="list")
    assert [m.model_id for m in found] == [info.model_id]
    found = mlflow.search_logged_models(
        experiment_ids=[run.info.experiment_id], filter_string="name = 'model'", output_format="list"
    )
    assert [m.model_id for m in found] == [info.model_id]
    loaded = mlflow.sklearn.load_model(info.model_uri)
    assert list(loaded.predict(X)) == list(model.predict(X))


def test_register_models_aliases_and_load_by_alias(tracking):
    model, X, _ = _model()
    name = f"clf-{int(time.time() * 1000)}"
    with mlflow.start_run() as run:
        if MLFLOW3:
            info = mlflow.sklearn.log_model(model, name="model")
        else:
            info = mlflow.sklearn.log_model(model, artifact_path="model")
    v1 = mlflow.register_model(f"runs:/{run.info.run_id}/model", name)
    assert v1.version == "1"
    sources = [v1]
    if MLFLOW3:
        v2 = mlflow.register_model(info.model_uri, name)
        assert v2.version == "2"
        sources.append(v2)
        tags = mlflow.get_logged_model(info.model_id).tags
        assert "mlflow.modelVersions" in tags
    client = MlflowClient()
    client.set_registered_model_alias(name, "champion", sources[-1].version)
    assert client.get_model_version_by_alias(name, "champion").version == sources[-1].version
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    assert list(loaded.predict(X)) == list(model.predict(X))
    assert {v.version for v in client.search_model_versions(f"name = '{name}'")} == {v.version for v in sources}


def test_sklearn_autolog(tracking):
    from sklearn.linear_model import LogisticRegression

    mlflow.sklearn.autolog()
    try:
        X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1]])
        y = np.array([0, 1, 0, 1])
        with mlflow.start_run() as run:
            LogisticRegression(C=0.5).fit(X, y)
    finally:
        mlflow.sklearn.autolog(disable=True)
    got = mlflow.get_run(run.info.run_id)
    assert got.data.params["C"] == "0.5"
    assert "training_accuracy_score" in got.data.metrics
    if MLFLOW3:
        assert got.outputs.model_outputs, "autolog logs the fitted model as a logged model"
    else:
        assert any(f.path == "model" for f in MlflowClient().list_artifacts(run.info.run_id))


def test_system_metrics(tracking):
    mlflow.enable_system_metrics_logging()
    mlflow.set_system_metrics_sampling_interval(0.2)
    mlflow.set_system_metrics_samples_before_logging(1)
    try:
        with mlflow.start_run() as run:
            time.sleep(1.5)
    finally:
        mlflow.disable_system_metrics_logging()
        mlflow.set_system_metrics_sampling_interval(None)
        mlflow.set_system_metrics_samples_before_logging(None)
    metrics = mlflow.get_run(run.info.run_id).data.metrics
    assert any(k.startswith("system/cpu_utilization_percentage") for k in metrics), metrics


def test_version_answer_is_the_mlflow_api_the_agent_implements(tracking):
    # chosen on purpose: below 3.4, an MLflow 3 client does not send OTLP spans to /v1/traces
    text = requests.get(f"{tracking}/version").text
    assert Version(text) < Version("3.4")


@needs3
def test_tracing_in_a_notebook_raises_nothing(tracking, caplog):
    """lablog stores no traces: the traced call returns normally, the client logs one warning
    saying the agent does not store traces, and searching traces finds none."""

    @mlflow.trace
    def predict(x):
        return x * 2

    caplog.set_level(logging.WARNING)
    with mlflow.start_run():
        assert predict(21) == 42
    if hasattr(mlflow, "flush_trace_async_logging"):
        mlflow.flush_trace_async_logging()
    assert mlflow.search_traces(return_type="list") == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and "trace" in r.getMessage().lower()]
    assert all("lablog does not store traces" in w for w in warnings), warnings

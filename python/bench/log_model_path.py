"""Times MLflow 3's log_model path against one tracking server: a run with many metric histories,
then `mlflow.sklearn.log_model(name=...)`, which re-reads every metric history of the run.

Usage: python log_model_path.py <tracking_uri> <metrics> <steps>
Prints one JSON line: `log_s` (the histories, logged with log_batch, 1000 points a call),
`log_model_s` (the log_model call: logged model, history reads, re-logged metrics, uploads,
finalize) and `history_s` (every history read again with get_metric_history, its biggest part). Run by bench/pythonLogModelBench.ts against the agent and against `mlflow server`.
"""
import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow  # noqa: E402
import numpy as np  # noqa: E402
from mlflow.entities import Metric  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402


def main() -> None:
    uri, n_metrics, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(f"log-model-bench-{os.getpid()}-{time.time_ns()}")
    client = MlflowClient(tracking_uri=uri)
    x = np.random.default_rng(0).normal(size=(50, 4))
    clf = LogisticRegression().fit(x, (x[:, 0] > 0).astype(int))
    with mlflow.start_run() as run:
        points = [(k, s) for s in range(steps) for k in range(n_metrics)]
        now = int(time.time() * 1000)
        t0 = time.perf_counter()
        for i in range(0, len(points), 1000):
            batch = [Metric(f"m{k:02d}", 1.0 / (s + 1), now + s, s) for k, s in points[i : i + 1000]]
            client.log_batch(run.info.run_id, metrics=batch)
        log_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        # fixed requirements: the client would otherwise infer them, the same work whatever the server
        mlflow.sklearn.log_model(clf, name="model", pip_requirements=["scikit-learn"])
        log_model_s = time.perf_counter() - t0
        # the part of log_model that grows with the run: every history read once more, alone
        t0 = time.perf_counter()
        for k in range(n_metrics):
            client.get_metric_history(run.info.run_id, f"m{k:02d}")
        history_s = time.perf_counter() - t0
    print(json.dumps({"log_s": log_s, "log_model_s": log_model_s, "history_s": history_s}))


if __name__ == "__main__":
    main()

"""Times the real MLflow client's log_metric and log_batch against one tracking server.

Usage: python client_throughput.py <tracking_uri> <metric_calls> <batches>
Prints one JSON line: seconds for the log_metric calls and for the log_batch calls (1000
metrics each). Run by bench/pythonClientBench.ts, alternately against the agent and against a
server that answers at once and stores nothing.
"""
import json
import sys
import time

from mlflow.entities import Metric
from mlflow.tracking import MlflowClient


def main() -> None:
    uri, metric_calls, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    client = MlflowClient(tracking_uri=uri)
    run_id = client.create_run("0").info.run_id
    t0 = time.perf_counter()
    for step in range(metric_calls):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    metric_s = time.perf_counter() - t0
    now = int(time.time() * 1000)
    t0 = time.perf_counter()
    for b in range(batches):
        metrics = [Metric("acc", i / 1000, now, b * 1000 + i) for i in range(1000)]
        client.log_batch(run_id, metrics=metrics)
    batch_s = time.perf_counter() - t0
    print(json.dumps({"metric_s": metric_s, "batch_s": batch_s}))


if __name__ == "__main__":
    main()

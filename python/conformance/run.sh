#!/usr/bin/env bash
# Runs MLflow's own server tests (v2.12.2 source checkout given by path) against the lablog agent,
# swapping only the fixtures' server launcher (python/conformance/lablog_conformance.py).
#   npm run conformance -- <mlflow-src> [pytest args...]
#   LABLOG_CONFORMANCE_SERVER=mlflow npm run conformance -- <mlflow-src>   # the baseline: MLflow's own server
# The Python that runs pytest: $LABLOG_CONFORMANCE_PYTHON, else python3 on PATH; it needs mlflow==2.12.2,
# pytest and the tests' imports (python/conformance-requirements.txt). Build the agent first (npm run build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="${1:?usage: npm run conformance -- <mlflow-src-v2.12.2> [pytest args...]}"
shift
src="$(cd "$src" && pwd)"
PY="${LABLOG_CONFORMANCE_PYTHON:-python3}"
# MLflow's artifacts fixture runs the `mlflow` command: the one beside that Python
export PATH="$(dirname "$(command -v "$PY")"):$PATH"
files=(tests/tracking/test_rest_tracking.py tests/tracking/test_model_registry.py tests/tracking/test_mlflow_artifacts.py)
plugin=()
if [ "${LABLOG_CONFORMANCE_SERVER:-lablog}" = lablog ]; then
  export LABLOG_AGENT_JS="$repo/agent/bin/lablog.js"
  export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
  plugin=(-p lablog_conformance)
fi
cd "$src"
# MLflow's pytest.ini adds -v --showlocals; -o addopts= keeps the output short
exec "$PY" -m pytest "${plugin[@]}" -o addopts="" -p no:cacheprovider --color=no -q -rf "${files[@]}" "$@"

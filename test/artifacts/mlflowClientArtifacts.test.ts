/**
 * The real MLflow 3 client's artifact calls against the agent on each artifact engine (the store
 * folder, an S3 bucket): log_artifact, log_artifacts of a folder, log_text, a 40 MB file,
 * list_artifacts and download_artifacts, byte for byte, with the client's proxy multipart upload
 * switched on (the agent says it is not supported, and the client streams one PUT instead, as
 * with MLflow's server on a local destination). The client only ever talks to the
 * agent's proxy API, so the engine behind it is invisible to it. Python and mlflow come from the
 * venv named by LABLOG_MLFLOW3_VENV (.ci/run makes it); without it the runs are skipped.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { artifactBackends } from '../support/artifactBackends.js';
import { startAgent } from '../support/startAgent.js';

const venv = process.env.LABLOG_MLFLOW3_VENV;
const python = venv ? join(venv, 'bin', 'python') : '';
const noClient = !venv ? 'LABLOG_MLFLOW3_VENV is not set (.ci/run makes the venv from python/e2e-requirements.txt)' : !existsSync(python) ? `${python} does not exist` : false;

// Logs, lists and downloads; prints one JSON line with what it saw.
const SCRIPT = String.raw`
import filecmp, hashlib, json, os, tempfile, mlflow
from mlflow import MlflowClient
src = tempfile.mkdtemp()
os.makedirs(os.path.join(src, "tree", "sub"))
for rel, body in [("tree/a.txt", b"a"), ("tree/sub/b.json", b'{"b": 2}'), ("note.md", "# héllo".encode())]:
    with open(os.path.join(src, rel), "wb") as f:
        f.write(body)
big = os.path.join(src, "weights.bin")
with open(big, "wb") as f:
    for i in range(40):
        f.write(hashlib.sha256(str(i).encode()).digest() * 32768)
mlflow.set_experiment("artifacts-" + os.environ["ENGINE"])
with mlflow.start_run() as run:
    mlflow.log_artifact(os.path.join(src, "note.md"))
    mlflow.log_artifacts(os.path.join(src, "tree"), artifact_path="tree")
    mlflow.log_text("some text", "texts/t.txt")
    mlflow.log_artifact(big, artifact_path="model")
client = MlflowClient()
top = sorted((f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run.info.run_id))
sub = sorted((f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run.info.run_id, "tree"))
out = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, dst_path=tempfile.mkdtemp())
same = filecmp.cmp(big, os.path.join(out, "model", "weights.bin"), shallow=False)
tree_same = not filecmp.dircmp(os.path.join(src, "tree"), os.path.join(out, "tree")).diff_files
text = open(os.path.join(out, "texts", "t.txt")).read()
print(json.dumps({"run_id": run.info.run_id, "top": top, "sub": sub, "big_same": same, "tree_same": tree_same, "text": text}))
`;

for (const backend of artifactBackends()) {
  describe(`the MLflow 3 client's artifact calls (${backend.name})`, { skip: backend.skip || noClient }, () => {
    test('log_artifact(s), log_text and a 40 MB file list and download back byte for byte', { timeout: 180_000 }, async (t) => {
      const a = await startAgent({ artifacts: (await backend.prepare()).artifacts });
      t.after(() => a.close());
      const { stdout } = await promisify(execFile)(python, ['-c', SCRIPT], {
        env: {
          ...process.env,
          MLFLOW_TRACKING_URI: a.url,
          ENGINE: backend.name,
          GIT_PYTHON_REFRESH: 'quiet',
          PYTHONDONTWRITEBYTECODE: '1',
          MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD: 'true',
          MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE: String(10 * 1024 * 1024),
        },
        timeout: 170_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const seen = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
      assert.deepEqual(seen.top, [
        ['model', true, null],
        ['note.md', false, 8],
        ['texts', true, null],
        ['tree', true, null],
      ]);
      assert.deepEqual(seen.sub, [
        ['tree/a.txt', false, 1],
        ['tree/sub', true, null],
      ]);
      assert.equal(seen.big_same, true, 'the 40 MB file came back byte for byte');
      assert.equal(seen.tree_same, true);
      assert.equal(seen.text, 'some text');
      const stored = await backend.storedPaths(a.storeDir, `runs/${seen.run_id as string}/artifacts`);
      assert.deepEqual(stored, ['model/weights.bin', 'note.md', 'texts/t.txt', 'tree/a.txt', 'tree/sub/b.json']);
    });
  });
}

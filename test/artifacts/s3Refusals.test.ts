/**
 * An S3 artifact location that cannot be used is refused with a clear message before the agent
 * serves anything: an unsupported or malformed URI, a bucket that does not exist, credentials the
 * server refuses, an endpoint nobody answers on. A bucket that goes away while the agent runs
 * gives MLflow-style errors, and nothing else changes.
 */
import assert from 'node:assert/strict';
import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAgent, MlflowError } from 'lablog';
import { runCli } from '../support/agentProcess.js';
import { getArtifact, putArtifact, runArtifactUrl } from '../support/artifactHttp.js';
import { s3ServerOfThisFile } from '../support/artifactBackends.js';
import { newRun } from '../support/mlflowHttp.js';
import { s3Skip, type S3Server } from '../support/s3Server.js';
import { startAgent } from '../support/startAgent.js';

const skip = s3Skip();

describe('S3 artifact locations that cannot be used', { skip }, () => {
  let s3: S3Server;
  let store: string;
  before(async () => {
    s3 = await s3ServerOfThisFile();
    store = await mkdtemp(join(tmpdir(), 'lablog-s3-refusals-'));
  });
  after(async () => {
    await s3?.stop();
    await rm(store, { recursive: true, force: true });
  });

  /** `lablog serve --artifacts <uri>` with `env`: its exit code and what it printed. */
  async function serve(uri: string, env: Record<string, string>): Promise<{ code: number | string; output: string }> {
    return runCli(['serve', '--port', '0', '--store', store, '--artifacts', uri], env);
  }

  test('lablog serve refuses a missing bucket, naming it and the endpoint', async () => {
    const { code, output } = await serve('s3://no-such-bucket/lablog', s3.env);
    assert.equal(code, 1);
    assert.match(output, /lablog: The artifact bucket 'no-such-bucket' does not exist at http:\/\/127\.0\.0\.1:\d+/);
  });

  test('lablog serve refuses credentials the server refuses, without printing them', async () => {
    const bucket = await s3.createBucket();
    const wrong = { ...s3.env, AWS_SECRET_ACCESS_KEY: 'not-the-secret-0123456789' };
    const { code, output } = await serve(`s3://${bucket}/p`, wrong);
    assert.equal(code, 1);
    assert.match(output, new RegExp(`lablog: The artifact bucket '${bucket}' at .* refused the agent's credentials`));
    assert.ok(!output.includes('not-the-secret'), 'the secret is never printed');
    const unknownKey = await serve(`s3://${bucket}/p`, { ...s3.env, AWS_ACCESS_KEY_ID: 'nobody' });
    assert.equal(unknownKey.code, 1);
    assert.match(unknownKey.output, /refused the agent's credentials/);
    // none at all (and no profile to fall back on)
    const none = await serve(`s3://${bucket}/p`, { ...s3.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', HOME: store, AWS_EC2_METADATA_DISABLED: 'true' });
    assert.equal(none.code, 1);
    assert.match(none.output, /found no AWS credentials for the artifact bucket/);
  });

  test('lablog serve refuses an endpoint nobody answers on', async () => {
    const { code, output } = await serve('s3://some-bucket/p', { ...s3.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' });
    assert.equal(code, 1);
    assert.match(output, /cannot be reached \(ECONNREFUSED\)/);
  });

  test('createAgent refuses malformed and unsupported locations with INVALID_PARAMETER_VALUE, and releases the store', async () => {
    for (const uri of ['s3://', 's3://Bad_Bucket/x', 's3://bucket/a/../b', 'gs://bucket/x', '/some/folder']) {
      await assert.rejects(createAgent({ store, artifacts: uri }), (err: unknown) => {
        assert.ok(err instanceof MlflowError, uri);
        assert.equal(err.code, 'INVALID_PARAMETER_VALUE', uri);
        return true;
      });
    }
    // the store was closed each time: another agent opens it
    const a = await createAgent({ store });
    await a.close();
  });

  test('a bucket removed while the agent runs gives MLflow-style errors, and the agent serves on', async (t) => {
    Object.assign(process.env, s3.env);
    const bucket = await s3.createBucket();
    const a = await startAgent({ artifacts: `s3://${bucket}/team` });
    t.after(() => a.close());
    const { experimentId, runId } = await newRun(a.url, 'gone');
    await s3.client.send(new DeleteBucketCommand({ Bucket: bucket }));
    const put = await putArtifact(runArtifactUrl(a.url, experimentId, runId, 'x.txt'), 'x');
    assert.equal(put.status, 404);
    assert.equal(put.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
    assert.match(String(put.json.message), new RegExp(`The artifact bucket '${bucket}' does not exist`));
    const got = await getArtifact(runArtifactUrl(a.url, experimentId, runId, 'x.txt'));
    assert.equal(JSON.parse(got.body.toString()).error_code, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal((await fetch(`${a.url}/health`)).status, 200);
  });
});

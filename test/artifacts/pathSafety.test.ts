/**
 * Artifact paths can never leave the artifact folder they name: every escape — `..`, absolute
 * paths, NUL, backslashes, percent-encoded and double-encoded forms, and symlinks placed in the
 * store that point outside — is refused with 400 INVALID_PARAMETER_VALUE, and the filesystem
 * shows that nothing was written, read or deleted outside. With an S3 bucket behind the agent,
 * the same paths are refused and the bucket's keys, inside and outside the agent's prefix, are
 * untouched.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ARTIFACTS, rawRequest, runArtifactUrl, type RawReply } from '../support/artifactHttp.js';
import { s3ServerOfThisFile } from '../support/artifactBackends.js';
import { s3Skip, type S3Server } from '../support/s3Server.js';
import { newRun } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

/** Every file under `dir`, relative, with its size. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(e.parentPath, e.name);
    out.push(`${path.slice(dir.length)}${e.isDirectory() ? '/' : e.isSymbolicLink() ? '@' : ''}`);
  }
  return out.sort();
}

function assertRefused(r: RawReply, what: string): void {
  assert.equal(r.status, 400, `${what}: ${r.status} ${r.body.toString()}`);
  assert.equal(JSON.parse(r.body.toString()).error_code, 'INVALID_PARAMETER_VALUE', what);
}

/** Paths that would leave the artifact folder, every way of writing `..`, `/`, `\\` and NUL. */
const escapes = (m: string) => [
  `../${m}`,
  `../../${m}`,
  `../../../../../../../${m}`,
  `a/../../${m}`,
  `..%2f${m}`,
  `..%2F..%2F${m}`,
  `%2e%2e/${m}`,
  `%2E%2E%2F%2e%2e%2F${m}`,
  `a/%2e%2e/%2e%2e/${m}`,
  `%252e%252e/${m}`,
  `%252e%252e%252f%252e%252e%252f${m}`,
  `%25252e%25252e/${m}`,
  `..%5c${m}`,
  `a%5c..%5c..%5c${m}`,
  `..\\..\\${m}`,
  `${m}%00.png`,
  `%00/${m}`,
  `a%2500/${m}`,
];

describe('artifact paths that would leave the artifact folder', () => {
  let a: StartedAgent;
  let exp: string;
  let run: string;
  let outside: string;
  const marker = `escape-${randomBytes(4).toString('hex')}.txt`;
  const base = () => `${ARTIFACTS}/${exp}/${run}/artifacts`;

  before(async () => {
    a = await startAgent();
    ({ experimentId: exp, runId: run } = await newRun(a.url, 'escapes'));
    outside = await mkdtemp(join(tmpdir(), 'lablog-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'secret');
  });
  after(async () => {
    await a.close();
    await rm(outside, { recursive: true, force: true });
  });

  /** Nothing named `marker` anywhere it could have landed, and the store holds only the run's own files. */
  async function assertNothingOutside(storeBefore: string[]): Promise<void> {
    for (const dir of ['/', tmpdir(), outside, join(a.storeDir, '..'), a.storeDir, join(a.storeDir, 'runs'), join(a.storeDir, 'runs', run)]) {
      assert.ok(!existsSync(join(dir, marker)), `${marker} was written in ${dir}`);
    }
    assert.deepEqual(await tree(a.storeDir), storeBefore);
    assert.deepEqual(await readdir(outside), ['secret.txt']);
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret');
  }


  test('uploads are refused with 400 and nothing is written anywhere', async () => {
    const before = await tree(a.storeDir);
    for (const path of escapes(marker)) assertRefused(await rawRequest('PUT', a.url, `${base()}/${path}`, Buffer.from('pwned')), `PUT ${path}`);
    for (const path of [`/${ARTIFACTS.slice(1)}//tmp/${marker}`, `${ARTIFACTS}/%2ftmp%2f${marker}`, `${ARTIFACTS}/C:%5c${marker}`, `${ARTIFACTS}/%2e%2e/${marker}`]) {
      assertRefused(await rawRequest('PUT', a.url, path, Buffer.from('pwned')), `PUT ${path}`);
    }
    await assertNothingOutside(before);
  });

  test('downloads, listings and deletions of escaping paths are refused and touch nothing', async () => {
    const before = await tree(a.storeDir);
    for (const target of ['run.json', `../../../runs/${run}/run.json`, '../../../meta/experiments.json']) {
      for (const path of [target.startsWith('run') ? `../${target}` : target, `..%2f${target}`, `%252e%252e/${target}`]) {
        const got = await rawRequest('GET', a.url, `${base()}/${path}`);
        assertRefused(got, `GET ${path}`);
        assert.ok(!got.body.toString().includes('experiment_id'), 'no store document is served');
        assertRefused(await rawRequest('DELETE', a.url, `${base()}/${path}`), `DELETE ${path}`);
      }
    }
    for (const dir of [`${exp}/${run}/artifacts/..`, `${exp}/${run}/artifacts/../../..`, `${exp}/${run}/artifacts/%2e%2e`, `/etc`]) {
      assertRefused(await rawRequest('GET', a.url, `${ARTIFACTS}?path=${encodeURIComponent(dir)}`), `list ${dir}`);
    }
    for (const path of ['..', '../..', '%2e%2e', '/etc', 'a/../..']) {
      const q = `run_id=${run}&path=${encodeURIComponent(path)}`;
      assertRefused(await rawRequest('GET', a.url, `/api/2.0/mlflow/artifacts/list?${q}`), `artifacts/list ${path}`);
      assertRefused(await rawRequest('GET', a.url, `/get-artifact?${q}`), `get-artifact ${path}`);
    }
    assertRefused(await rawRequest('GET', a.url, `/get-artifact?run_uuid=${run}&path=${encodeURIComponent('../run.json')}`), 'get-artifact ../run.json');
    await assertNothingOutside(before);
  });

  test('symlinks placed in the store that point outside are never followed', async () => {
    const artifacts = join(a.storeDir, 'runs', run, 'artifacts');
    await mkdir(join(artifacts, 'inside'), { recursive: true });
    await symlink(outside, join(artifacts, 'linkdir'));
    await symlink(join(outside, 'secret.txt'), join(artifacts, 'linkfile.txt'));
    await symlink(join(outside, 'not-yet'), join(artifacts, 'dangling'));
    await symlink(outside, join(artifacts, 'inside', 'deeper'));
    const before = await tree(a.storeDir);

    for (const rel of [`linkdir/${marker}`, `inside/deeper/${marker}`, `dangling/${marker}`, `linkdir/sub/${marker}`]) {
      assertRefused(await rawRequest('PUT', a.url, `${base()}/${rel}`, Buffer.from('pwned')), `PUT ${rel}`);
    }
    for (const rel of ['linkfile.txt', 'linkdir/secret.txt', 'inside/deeper/secret.txt']) {
      const got = await rawRequest('GET', a.url, `${base()}/${rel}`);
      assertRefused(got, `GET ${rel}`);
      assert.ok(!got.body.toString().includes('secret"') && got.body.toString() !== 'secret');
      assertRefused(await rawRequest('DELETE', a.url, `${base()}/${rel}`), `DELETE ${rel}`);
      assertRefused(await rawRequest('GET', a.url, `/get-artifact?run_id=${run}&path=${encodeURIComponent(rel)}`), `get-artifact ${rel}`);
    }
    for (const rel of ['linkdir', 'inside/deeper']) {
      assertRefused(await rawRequest('GET', a.url, `${ARTIFACTS}?path=${encodeURIComponent(`${exp}/${run}/artifacts/${rel}`)}`), `list ${rel}`);
    }
    // the links themselves are not listed: they are not artifacts
    const root = await rawRequest('GET', a.url, `${ARTIFACTS}?path=${encodeURIComponent(`${exp}/${run}/artifacts`)}`);
    assert.deepEqual(JSON.parse(root.body.toString()), { files: [{ path: 'inside', is_dir: true }] });
    await assertNothingOutside(before);
  });

  test('a run\'s artifact folder replaced by a symlink to the outside is refused', async () => {
    const { experimentId, runId } = await newRun(a.url, 'swapped');
    const artifacts = join(a.storeDir, 'runs', runId, 'artifacts');
    await rename(artifacts, `${artifacts}.orig`);
    await symlink(outside, artifacts);
    const url = runArtifactUrl(a.url, experimentId, runId, marker);
    assertRefused(await rawRequest('PUT', a.url, new URL(url).pathname, Buffer.from('pwned')), 'PUT through a swapped folder');
    assertRefused(await rawRequest('GET', a.url, new URL(runArtifactUrl(a.url, experimentId, runId, 'secret.txt')).pathname), 'GET through a swapped folder');
    await rm(artifacts);
    await symlink(join(outside, 'not-there'), artifacts);
    assertRefused(await rawRequest('PUT', a.url, new URL(url).pathname, Buffer.from('pwned')), 'PUT through a dangling swapped folder');
    assert.deepEqual(await readdir(outside), ['secret.txt']);
  });

  test('names reserved for uploads in progress are refused', async () => {
    assertRefused(await rawRequest('PUT', a.url, `${base()}/.lablog-upload-1234`, Buffer.from('x')), 'reserved name');
  });
});

describe('artifact paths that would leave the artifact folder, with an S3 bucket behind the agent', { skip: s3Skip() }, () => {
  let s3: S3Server;
  let bucket: string;
  let a: StartedAgent;
  let exp: string;
  let run: string;
  const marker = `escape-${randomBytes(4).toString('hex')}.txt`;
  const base = () => `${ARTIFACTS}/${exp}/${run}/artifacts`;

  /** Every key in the bucket, inside the agent's prefix or not. */
  async function keys(): Promise<string[]> {
    const out = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (out.Contents ?? []).map((o) => o.Key as string).sort();
  }

  before(async () => {
    s3 = await s3ServerOfThisFile();
    bucket = await s3.createBucket();
    Object.assign(process.env, s3.env);
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'outside/secret.txt', Body: 'secret' }));
    a = await startAgent({ artifacts: `s3://${bucket}/team/lablog` });
    ({ experimentId: exp, runId: run } = await newRun(a.url, 'escapes'));
    await rawRequest('PUT', a.url, `${base()}/mine.txt`, Buffer.from('mine'));
  });
  after(async () => {
    await a?.close();
    await s3?.stop();
  });

  test('uploads, downloads, listings and deletions of escaping paths are refused; no key changes', async () => {
    const before = await keys();
    assert.deepEqual(before, ['outside/secret.txt', `team/lablog/runs/${run}/artifacts/mine.txt`]);
    for (const path of escapes(marker)) assertRefused(await rawRequest('PUT', a.url, `${base()}/${path}`, Buffer.from('pwned')), `PUT ${path}`);
    for (const path of ['../../../../../outside/secret.txt', '..%2f..%2f..%2f..%2f..%2foutside%2fsecret.txt', '%252e%252e/%252e%252e/%252e%252e/%252e%252e/%252e%252e/outside/secret.txt']) {
      const got = await rawRequest('GET', a.url, `${base()}/${path}`);
      assertRefused(got, `GET ${path}`);
      assert.notEqual(got.body.toString(), 'secret');
      assertRefused(await rawRequest('DELETE', a.url, `${base()}/${path}`), `DELETE ${path}`);
      assertRefused(await rawRequest('GET', a.url, `${ARTIFACTS}?path=${encodeURIComponent(`${exp}/${run}/artifacts/${path}`)}`), `list ${path}`);
    }
    assertRefused(await rawRequest('DELETE', a.url, `${ARTIFACTS}/%2e%2e`), 'DELETE the root\'s parent');
    assert.deepEqual(await keys(), before);
    const secret = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'outside/secret.txt' }));
    assert.equal(await secret.Body?.transformToString(), 'secret');
  });
});

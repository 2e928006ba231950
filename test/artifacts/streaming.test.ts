/**
 * Artifacts stream: a 300 MB upload and its download go through an agent process whose memory
 * stays bounded (its RSS is sampled from /proc during the transfer), a file is visible only
 * once completely written, and an upload cut off midway leaves nothing behind. On every artifact
 * engine: the store folder and an S3 bucket (whose multipart upload is aborted when cut off).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { startAgentProcess } from '../support/agentProcess.js';
import { artifactBackends } from '../support/artifactBackends.js';
import { getArtifact, listArtifacts, rawRequest, runArtifactUrl } from '../support/artifactHttp.js';
import { newRun } from '../support/mlflowHttp.js';
import { rssMb, sampleRss } from '../support/processMemory.js';
import { startAgent } from '../support/startAgent.js';

const MB = 1024 * 1024;
const BIG = 300 * MB;
const MAX_GROWTH_MB = 100;

/** `total` bytes of a repeating random 1 MB block, generated as read; `digest()` hashes what was produced. */
function generated(total: number): { stream: Readable; digest(): string } {
  const block = randomBytes(MB);
  const hash = createHash('sha256');
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = block.subarray(0, Math.min(MB, total - sent));
      // every block differs from the last, so a misplaced block shows in the hash
      chunk.writeUInt32BE(sent / MB, 0);
      sent += chunk.length;
      hash.update(chunk);
      this.push(Buffer.from(chunk));
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

for (const backend of artifactBackends()) {
  test(`a 300 MB artifact goes in and out with the agent's memory bounded (${backend.name})`, { timeout: 300_000, skip: backend.skip }, async (t) => {
    const store = await mkdtemp(join(tmpdir(), 'lablog-stream-'));
    const { artifacts, env } = await backend.prepare();
    const agent = await startAgentProcess(['serve', '--port', '0', '--store', store, ...(artifacts ? ['--artifacts', artifacts] : [])], env);
    t.after(async () => {
      agent.child.kill('SIGTERM');
      await agent.exited;
      await rm(store, { recursive: true, force: true });
    });
    const pid = agent.child.pid!;
    const { experimentId, runId } = await newRun(agent.url, 'big');
    const url = runArtifactUrl(agent.url, experimentId, runId, 'weights/big.bin');
    const baseline = await rssMb(pid);

    const upload = generated(BIG);
    let sampler = sampleRss(pid);
    const put = await rawRequest('PUT', agent.url, new URL(url).pathname, upload.stream, { 'content-type': 'application/octet-stream', 'content-length': BIG });
    const uploadPeak = await sampler.stop();
    assert.equal(put.status, 200, put.body.toString());
    const list = await listArtifacts(agent.url, `${experimentId}/${runId}/artifacts/weights`);
    assert.deepEqual(list.files, [{ path: 'big.bin', is_dir: false, file_size: BIG }]);

    sampler = sampleRss(pid);
    const hash = createHash('sha256');
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      request(url, (res) => {
        assert.equal(res.headers['content-length'], String(BIG));
        res.on('data', (c: Buffer) => {
          received += c.length;
          hash.update(c);
        });
        res.on('end', resolve);
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    const downloadPeak = await sampler.stop();
    assert.equal(received, BIG);
    assert.equal(hash.digest('hex'), upload.digest(), 'the download is byte for byte the upload');

    t.diagnostic(`agent RSS: baseline ${baseline.toFixed(0)} MB, peak during upload ${uploadPeak.toFixed(0)} MB, during download ${downloadPeak.toFixed(0)} MB`);
    assert.ok(uploadPeak - baseline < MAX_GROWTH_MB, `RSS grew ${(uploadPeak - baseline).toFixed(0)} MB during a ${BIG / MB} MB upload`);
    assert.ok(downloadPeak - baseline < MAX_GROWTH_MB, `RSS grew ${(downloadPeak - baseline).toFixed(0)} MB during a ${BIG / MB} MB download`);
  });
}

/** Starts a PUT of `total` bytes, sends `first`, and returns a function that sends the rest or cuts the connection. */
function partialUpload(url: string, total: number, first: Buffer): Promise<{ finish(rest: Buffer): Promise<number>; cut(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': total } });
    let answered: (status: number) => void = () => undefined;
    const status = new Promise<number>((r) => (answered = r));
    req.on('response', (res) => {
      res.resume();
      answered(res.statusCode ?? 0);
    });
    req.on('error', () => answered(-1));
    req.write(first, (err) => {
      if (err) return reject(err);
      resolve({
        finish: (rest) => {
          req.end(rest);
          return status;
        },
        cut: () => req.destroy(),
      });
    });
  });
}

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const backend of artifactBackends()) {
  test(`a file is visible only once completely written (${backend.name})`, { skip: backend.skip }, async (t) => {
    const a = await startAgent({ artifacts: (await backend.prepare()).artifacts });
    t.after(() => a.close());
    const { experimentId, runId } = await newRun(a.url, 'visibility');
    const url = runArtifactUrl(a.url, experimentId, runId, 'slow.bin');
    // more than one part of a multipart upload, so that the bucket has one under way
    const upload = await partialUpload(url, 20 * MB, randomBytes(12 * MB));
    await waitFor(async () => (await backend.uploadsInProgress(a.storeDir)) > 0); // the upload is under way

    assert.equal((await getArtifact(url)).status, 404, 'not downloadable while being written');
    assert.deepEqual((await listArtifacts(a.url, `${experimentId}/${runId}/artifacts`)).json, {}, 'not listed while being written');

    assert.equal(await upload.finish(randomBytes(8 * MB)), 200);
    const done = await getArtifact(url);
    assert.equal(done.status, 200);
    assert.equal(done.body.length, 20 * MB);
    assert.deepEqual(await backend.storedPaths(a.storeDir, `runs/${runId}/artifacts`), ['slow.bin']);
    assert.equal(await backend.uploadsInProgress(a.storeDir), 0, 'no temporary file or open upload is left');
  });

  test(`an upload cut off midway leaves no file, visible or not (${backend.name})`, { skip: backend.skip }, async (t) => {
    const a = await startAgent({ artifacts: (await backend.prepare()).artifacts });
    t.after(() => a.close());
    const { experimentId, runId } = await newRun(a.url, 'aborted');
    await rawRequest('PUT', a.url, new URL(runArtifactUrl(a.url, experimentId, runId, 'kept.txt')).pathname, Buffer.from('kept'));
    const url = runArtifactUrl(a.url, experimentId, runId, 'sub/cut.bin');
    const upload = await partialUpload(url, 30 * MB, randomBytes(12 * MB));
    await waitFor(async () => (await backend.uploadsInProgress(a.storeDir)) > 0);
    upload.cut();

    await waitFor(async () => (await backend.uploadsInProgress(a.storeDir)) === 0);
    assert.deepEqual(await backend.storedPaths(a.storeDir, `runs/${runId}/artifacts`), ['kept.txt']);
    assert.equal((await getArtifact(url)).status, 404);
    assert.deepEqual((await listArtifacts(a.url, `${experimentId}/${runId}/artifacts/sub`)).json, {});
    // on disk the folder made for the upload stays (empty); a bucket has no empty folders
    const left = backend.name === 'files' ? ['kept.txt', 'sub'] : ['kept.txt'];
    assert.deepEqual((await listArtifacts(a.url, `${experimentId}/${runId}/artifacts`)).files?.map((f) => f.path), left);
    // the agent serves on after the broken upload
    assert.equal((await getArtifact(runArtifactUrl(a.url, experimentId, runId, 'kept.txt'))).body.toString(), 'kept');
  });
}

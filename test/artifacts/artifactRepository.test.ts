/**
 * The ArtifactRepository contract, on each engine started for real (the store folder, an S3
 * bucket on s3proxy): appends (small, and past S3's minimum part size, where the bucket copies
 * the file instead of the agent rewriting it), a torn last line, byte ranges, folders that are
 * not files, and emptying one area without touching its neighbours. Also over HTTP: one
 * `Range` gets 206, one past the end 416.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import type { ArtifactRepository } from '../../agent/src/artifacts/ArtifactRepository.js';
import type { openArtifactRepository as Open } from '../../agent/src/artifacts/openArtifactRepository.js';
import { artifactBackends } from '../support/artifactBackends.js';
import { putArtifact, runArtifactUrl } from '../support/artifactHttp.js';
import { newRun } from '../support/mlflowHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

// Not part of the package's exports: loaded from its build, as the agent runs it.
const agentDist = join(dirname(createRequire(import.meta.url).resolve('lablog/package.json')), 'dist');
const { openArtifactRepository } = (await import(join(agentDist, 'artifacts', 'openArtifactRepository.js'))) as { openArtifactRepository: typeof Open };

const MB = 1024 * 1024;

async function bytesOf(repo: ArtifactRepository, rel: string[], range?: { start: number; end: number }): Promise<Buffer> {
  const file = await repo.get(rel, range);
  const chunks: Buffer[] = [];
  for await (const c of file.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

for (const backend of artifactBackends()) {
  describe(`an artifact repository (${backend.name})`, { skip: backend.skip }, () => {
    let storeDir: string;
    let root: ArtifactRepository;
    let close: () => Promise<void>;
    let n = 0;
    /** A fresh run-like area for each test. */
    const area = () => root.within(['runs', `r${++n}`, 'artifacts']);

    before(async () => {
      storeDir = await mkdtemp(join(tmpdir(), 'lablog-repo-'));
      const opened = await openArtifactRepository((await backend.prepare()).artifacts, storeDir);
      root = opened.repository;
      close = opened.close;
    });
    after(async () => {
      await close?.();
      await rm(storeDir, { recursive: true, force: true });
    });

    test('appends create the file, add to it, and start a torn last line anew', async () => {
      const repo = area();
      assert.equal(await repo.append(['logs', 'exec.jsonl'], '{"a":1}\n'), 8);
      assert.equal(await repo.append(['logs', 'exec.jsonl'], '{"b":2}\n'), 16);
      await repo.put(['torn.jsonl'], Readable.from([Buffer.from('{"whole":1}\n{"cut')]));
      assert.equal(await repo.append(['torn.jsonl'], '{"next":2}\n'), 17 + 1 + 11);
      assert.equal(await text((await repo.get(['torn.jsonl'])).body), '{"whole":1}\n{"cut\n{"next":2}\n');
      assert.equal(await text((await repo.get(['logs', 'exec.jsonl'])).body), '{"a":1}\n{"b":2}\n');
      await assert.rejects(repo.append(['logs'], 'x'), /folder/);
    });

    test('an append to a file past 5 MB keeps every byte and adds the text', async () => {
      const repo = area();
      const big = randomBytes(6 * MB);
      big[big.length - 1] = 0x0a;
      await repo.put(['big.log'], Readable.from([big]));
      assert.equal(await repo.append(['big.log'], 'tail line\n'), big.length + 10);
      const back = await bytesOf(repo, ['big.log']);
      assert.equal(back.length, big.length + 10);
      assert.ok(back.subarray(0, big.length).equals(big));
      assert.equal(back.subarray(big.length).toString(), 'tail line\n');
    });

    test('ranges: from–to, open-ended, the last n bytes, and one past the end', async () => {
      const repo = area();
      const data = Buffer.from('0123456789');
      await repo.put(['r.txt'], Readable.from([data]));
      assert.equal((await bytesOf(repo, ['r.txt'], { start: 2, end: 4 })).toString(), '234');
      assert.equal((await bytesOf(repo, ['r.txt'], { start: 7, end: Number.MAX_SAFE_INTEGER })).toString(), '789');
      assert.equal((await bytesOf(repo, ['r.txt'], { start: -3, end: Number.MAX_SAFE_INTEGER })).toString(), '789');
      const inside = await repo.get(['r.txt'], { start: 2, end: 4 });
      inside.body.destroy();
      assert.deepEqual([inside.size, inside.range], [10, { start: 2, end: 4 }]);
      const past = await repo.get(['r.txt'], { start: 10, end: 20 });
      assert.deepEqual([past.size, past.range, await text(past.body)], [10, undefined, '']);
    });

    test('a folder is no file, and emptying an area leaves its neighbours alone', async () => {
      const mine = area();
      const neighbour = area();
      await mine.put(['d', 'a.txt'], Readable.from([Buffer.from('a')]));
      await mine.put(['top.txt'], Readable.from([Buffer.from('t')]));
      await neighbour.put(['keep.txt'], Readable.from([Buffer.from('k')]));
      await assert.rejects(mine.get(['d']), /is a folder/);
      await assert.rejects(mine.put(['d'], Readable.from([Buffer.from('x')])), /a folder of that name exists/);
      await assert.rejects(mine.put(['top.txt', 'below.txt'], Readable.from([Buffer.from('x')])), /a part of its folder path is a file/);
      assert.deepEqual(await mine.list(['top.txt']), null);
      assert.deepEqual(await mine.delete([]), { isDir: true, size: 0 });
      assert.equal((await mine.list([]))?.length ?? 0, 0, 'nothing left (a folder may stay, empty)');
      assert.equal(await mine.delete(['d']), null);
      assert.deepEqual(await neighbour.list([]), [{ name: 'keep.txt', isDir: false, size: 1 }]);
    });
  });

  describe(`downloads with Range over HTTP (${backend.name})`, { skip: backend.skip }, () => {
    let a: StartedAgent;
    let url: string;
    before(async () => {
      a = await startAgent({ artifacts: (await backend.prepare()).artifacts });
      const { experimentId, runId } = await newRun(a.url, 'ranges');
      url = runArtifactUrl(a.url, experimentId, runId, 'data/r.bin');
      await putArtifact(url, 'abcdefghij');
    });
    after(() => a.close());

    test('one range is 206 with Content-Range; several, or a malformed one, the whole file; past the end 416', async () => {
      let res = await fetch(url, { headers: { range: 'bytes=3-5' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), 'bytes 3-5/10');
      assert.equal(res.headers.get('content-length'), '3');
      assert.equal(await res.text(), 'def');
      res = await fetch(url, { headers: { range: 'bytes=-4' } });
      assert.deepEqual([res.status, await res.text()], [206, 'ghij']);
      for (const range of ['bytes=0-1,4-5', 'items=1-2', 'bytes=5-2']) {
        res = await fetch(url, { headers: { range } });
        assert.deepEqual([res.status, await res.text()], [200, 'abcdefghij'], range);
      }
      res = await fetch(url, { headers: { range: 'bytes=10-' } });
      assert.equal(res.status, 416);
      assert.equal(res.headers.get('content-range'), 'bytes */10');
      await res.arrayBuffer();
      res = await fetch(url);
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.equal(await res.text(), 'abcdefghij');
    });
  });
}

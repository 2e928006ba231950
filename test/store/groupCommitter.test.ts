/**
 * Where a commit is written. With O_DSYNC appends (Linux), a commit of one file and a few
 * hundred kilobytes is written on the event loop: a lone client's call then waits for the disk
 * only, not also for a thread-pool thread and the loop's wake-up. Commits of several files at
 * once, large ones, and all of them while the disk is slow, still go to the thread pool, where
 * files are written side by side and the loop keeps serving. Shown by keeping every pool thread
 * busy: a commit on the loop is on disk before they are free again, one on the pool only after.
 */
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { AppendFile as File } from '../../agent/src/store/AppendFile.js';
import type { GroupCommitter as Committer, LOOP_RETRY_EVERY as Retry, LOOP_WRITE_MAX_BYTES as Max } from '../../agent/src/store/GroupCommitter.js';

// Not part of the package's exports: loaded from its build, as the agent runs it.
const agentDist = join(dirname(createRequire(import.meta.url).resolve('lablog/package.json')), 'dist');
const { AppendFile, SYNCED_WRITES } = (await import(join(agentDist, 'store', 'AppendFile.js'))) as { AppendFile: typeof File; SYNCED_WRITES: boolean };
const { GroupCommitter, LOOP_RETRY_EVERY, LOOP_WRITE_MAX_BYTES } = (await import(join(agentDist, 'store', 'GroupCommitter.js'))) as { GroupCommitter: typeof Committer; LOOP_RETRY_EVERY: typeof Retry; LOOP_WRITE_MAX_BYTES: typeof Max };

const POOL_THREADS = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

/**
 * Occupies every thread-pool thread for a while (~100 ms here); `free` resolves once the first
 * is free again (a pool write goes then), `all` once they all are.
 */
function occupyPool(): { free: Promise<void>; all: Promise<void> } {
  const jobs = Array.from({ length: POOL_THREADS }, () => new Promise<void>((resolve, reject) => pbkdf2('x', 'salt', 400_000, 32, 'sha256', (err) => (err ? reject(err) : resolve()))));
  return { free: Promise.race(jobs), all: Promise.all(jobs).then(() => undefined) };
}

/** Which settles first: the appends (all of them) or a thread of the busy pool. */
async function firstDone(appends: Promise<unknown>[], pool: { free: Promise<void> }): Promise<'appends' | 'pool'> {
  return Promise.race([Promise.all(appends).then(() => 'appends' as const), pool.free.then(() => 'pool' as const)]);
}

async function files(t: TestContext, n: number, loopWriteMaxMs?: number): Promise<{ committer: Committer; logs: File[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-commit-'));
  const committer = new GroupCommitter(loopWriteMaxMs);
  const logs = Array.from({ length: n }, (_, i) => new AppendFile(join(dir, `log${i}.jsonl`), 0, committer));
  // opened first: opening a file takes a pool thread
  for (const log of logs) await log.append('{"open":true}\n');
  t.after(async () => {
    for (const log of logs) await log.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { committer, logs };
}

const skip = !SYNCED_WRITES && 'appends are O_DSYNC writes on Linux only';

test('a small commit of one file is on disk without waiting for a thread-pool thread', { skip }, async (t) => {
  const { logs } = await files(t, 1);
  const log = logs[0]!;
  const pool = occupyPool();
  const appends = [log.append('{"step":1}\n'), log.append('{"step":2}\n')];
  assert.equal(await firstDone(appends, pool), 'appends');
  await pool.all;
  assert.equal(await readFile(log.path, 'utf8'), '{"open":true}\n{"step":1}\n{"step":2}\n');
  assert.equal(log.size, Buffer.byteLength('{"open":true}\n{"step":1}\n{"step":2}\n'));
});

test('commits of several files at once are written on the thread pool, side by side', { skip }, async (t) => {
  const { logs } = await files(t, 2);
  const pool = occupyPool();
  const appends = logs.map((log, i) => log.append(`{"file":${i}}\n`));
  assert.equal(await firstDone(appends, pool), 'pool');
  await Promise.all(appends);
  await pool.all;
  for (const [i, log] of logs.entries()) assert.equal(await readFile(log.path, 'utf8'), `{"open":true}\n{"file":${i}}\n`);
});

test('a commit larger than the loop takes is written on the thread pool', { skip }, async (t) => {
  const { logs } = await files(t, 1);
  const log = logs[0]!;
  const big = `${'x'.repeat(LOOP_WRITE_MAX_BYTES)}\n`;
  const pool = occupyPool();
  const appends = [log.append(big)];
  assert.equal(await firstDone(appends, pool), 'pool');
  await Promise.all(appends);
  await pool.all;
  assert.equal((await readFile(log.path, 'utf8')).length, '{"open":true}\n'.length + big.length);
});

test('while commits take longer than the loop may wait, a small commit of one file is written on the thread pool, and every so often on the loop again', { skip }, async (t) => {
  // a disk on which every write is too slow: any write that took time at all
  const { logs } = await files(t, 1, 0);
  const log = logs[0]!;
  let pool = occupyPool();
  let appends = [log.append('{"step":1}\n')];
  assert.equal(await firstDone(appends, pool), 'pool');
  await Promise.all(appends);
  await pool.all;
  for (let step = 2; step < LOOP_RETRY_EVERY; step++) await log.append(`{"step":${step}}\n`);
  // the loop is tried again, to see whether the disk has become fast
  pool = occupyPool();
  appends = [log.append(`{"step":${LOOP_RETRY_EVERY}}\n`)];
  assert.equal(await firstDone(appends, pool), 'appends');
  await pool.all;
  const lines = (await readFile(log.path, 'utf8')).trimEnd().split('\n');
  assert.deepEqual(lines, ['{"open":true}', ...Array.from({ length: LOOP_RETRY_EVERY }, (_, i) => `{"step":${i + 1}}`)]);
});

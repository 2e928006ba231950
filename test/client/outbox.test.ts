/**
 * The client's ordered outbox and its spool file, alone: order is kept across rewinds (a lost
 * connection) and spills (to the file and back), nothing acknowledged is sent again from
 * memory, and a torn last line of a spool file is skipped.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Outbox } from '#client/Outbox.js';
import { FileSpool, readOps } from '#client/node/FileSpool.js';
import { opToLine, type LogOp, type Op } from '#client/ops.js';

const log = (i: number): LogOp => ({ k: 'log', n: 0, run: 'r'.repeat(32), client: 'c', seq: i, points: 1, body: `{"metrics":[{"key":"m","value":${i},"timestamp":1,"step":${i}}]}` });
const seqs = (ops: Array<Op | undefined>) => ops.map((o) => (o?.k === 'log' ? o.seq : undefined));

function takeAll(box: Outbox): Op[] {
  const out: Op[] = [];
  for (let op = box.take(); op; op = box.take()) out.push(op);
  return out;
}

test('in memory: a rewind sends the unacknowledged ops again first, in order; acknowledged ones are not resent', () => {
  const box = new Outbox(1 << 20, () => assert.fail('no overflow'));
  for (let i = 0; i < 5; i++) box.push(log(i));
  const sent = [box.take()!, box.take()!, box.take()!];
  box.done(sent[1]!);
  box.rewind();
  assert.deepEqual(seqs(takeAll(box)), [0, 2, 3, 4]);
  assert.equal(box.pending.batches, 4);
});

test('a spill moves everything unacknowledged to the file; after a rewind it is read back in order and the file goes when all is stored', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-outbox-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const box = new Outbox(1 << 20, () => assert.fail('no overflow'));
  box.attachSpool(new FileSpool(dir, 'c1', 'http://x'), false);
  for (let i = 0; i < 5; i++) box.push(log(i));
  const first = [box.take()!, box.take()!];
  box.spill();
  assert.ok(box.spoolFile);
  for (let i = 5; i < 8; i++) box.push(log(i)); // straight to the file now
  assert.deepEqual(seqs([box.take()]), [2]);
  box.done(first[0]!);
  box.rewind(); // op 1 and op 2 were in flight
  const again = takeAll(box);
  assert.deepEqual(seqs(again), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(await box.until(box.lastNumber, 0), false);
  const waiting = box.until(box.lastNumber, 5000);
  for (const op of again) box.done(op);
  assert.equal(await waiting, true);
  assert.equal(box.spoolFile, null);
  assert.deepEqual(await readdir(dir), [], 'the emptied spool file is removed');
  assert.deepEqual(box.pending, { ops: 0, batches: 0, points: 0 });
});

test('ops acknowledged while they were also read back from the spool are skipped, not sent twice', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-outbox-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const box = new Outbox(1 << 20, () => {});
  box.attachSpool(new FileSpool(dir, 'c2', 'http://x'), false);
  for (let i = 0; i < 4; i++) box.push(log(i));
  const a = box.take()!;
  const b = box.take()!;
  box.spill();
  box.done(b); // acknowledged out of order (another run's batch, say)
  box.rewind(); // a was not: reading resumes at a, b is skipped
  assert.deepEqual(seqs(takeAll(box)), [0, 2, 3]);
  assert.equal(a.k, 'log');
});

test('without a spool, a full queue drops new batches and says so', () => {
  const dropped: Op[] = [];
  const box = new Outbox(600, (op) => dropped.push(op!));
  for (let i = 0; i < 10; i++) box.push(log(i));
  assert.ok(dropped.length > 0);
  assert.equal(box.pending.batches + dropped.length, 10);
  const kept = seqs(takeAll(box));
  assert.deepEqual(kept, kept.slice().sort((x, y) => x! - y!));
});

test('a torn last line of a spool file is skipped', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lablog-spoolfile-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'x.spool');
  const ops = [log(1), log(2)].map((op, i) => ({ ...op, n: i + 1 }));
  const text = `{"lablog_spool":1}\n${ops.map(opToLine).join('')}${opToLine({ ...log(3), n: 3 }).slice(0, 30)}`;
  await writeFile(file, text);
  const fd = openSync(file, 'r');
  try {
    const { ops: read } = readOps(fd, text.indexOf('\n') + 1, Buffer.byteLength(text), 100);
    assert.deepEqual(seqs(read), [1, 2]);
  } finally {
    closeSync(fd);
  }
});

/**
 * The sink artifact uploads are written through, on real files: every byte lands in order
 * whatever the piece sizes, background flushes run while writing, a short write is resumed
 * where it stopped, and a failed flush fails the stream.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import type { DurableFileSink as Sink } from '../../agent/src/artifacts/DurableFileSink.js';

// Not part of the package's exports: loaded from its build, as the agent runs it.
const agentDist = join(dirname(createRequire(import.meta.url).resolve('lablog/package.json')), 'dist');
const { DurableFileSink } = (await import(join(agentDist, 'artifacts', 'DurableFileSink.js'))) as { DurableFileSink: typeof Sink };

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lablog-sink-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `total` random bytes cut into pieces of uneven sizes (1 byte up to 300 kB). */
function pieces(total: number): Buffer[] {
  const data = randomBytes(total);
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < total; i++) {
    const n = Math.min(total - at, [1, 7, 4096, 65_536, 300_000][i % 5]!);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** Counts the handle's flushes, and optionally makes each writev take only half of what it is given. */
function instrument(handle: FileHandle, opts: { halfWrites?: boolean; failSync?: boolean } = {}): { syncs: () => number } {
  let syncs = 0;
  const writev = handle.writev.bind(handle);
  const datasync = handle.datasync.bind(handle);
  if (opts.halfWrites) {
    handle.writev = (async (buffers: readonly Buffer[]) => {
      const bytes = Buffer.concat(buffers);
      return writev([bytes.subarray(0, Math.ceil(bytes.length / 2))]);
    }) as FileHandle['writev'];
  }
  handle.datasync = async () => {
    syncs++;
    if (opts.failSync) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    return datasync();
  };
  return { syncs: () => syncs };
}

test('uneven pieces land byte for byte, with flushes while writing and one at the end', async () => {
  const parts = pieces(6 * 1024 * 1024);
  const path = join(dir, 'uneven.bin');
  const handle = await open(path, 'wx');
  const counted = instrument(handle);
  const sink = new DurableFileSink(handle, { highWaterMark: 256 * 1024, syncEvery: 1024 * 1024 });
  await pipeline(Readable.from(parts), sink);
  await handle.close();
  assert.deepEqual(await readFile(path), Buffer.concat(parts));
  assert.equal(sink.bytesWritten, 6 * 1024 * 1024);
  assert.ok(counted.syncs() >= 2, `expected background flushes besides the final one, saw ${counted.syncs()}`);
});

test('a short write is resumed where it stopped', async () => {
  const parts = pieces(1024 * 1024);
  const path = join(dir, 'short.bin');
  const handle = await open(path, 'wx');
  instrument(handle, { halfWrites: true });
  const sink = new DurableFileSink(handle, { highWaterMark: 64 * 1024, syncEvery: 256 * 1024 });
  await pipeline(Readable.from(parts), sink);
  await handle.close();
  assert.deepEqual(await readFile(path), Buffer.concat(parts));
});

test('a failed flush fails the stream', async () => {
  const handle = await open(join(dir, 'failing.bin'), 'wx');
  instrument(handle, { failSync: true });
  const sink = new DurableFileSink(handle, { highWaterMark: 64 * 1024, syncEvery: 64 * 1024 });
  await assert.rejects(pipeline(Readable.from(pieces(512 * 1024)), sink), /EIO/);
  await handle.close();
});

/**
 * Artifact figures against an agent process: upload and download of a 200 MB file, each beside
 * a plain copy of the same file on the same disk (the physical limit here), and how much the
 * agent's memory grows while a 1 GB artifact goes in and out.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rawRequest, runArtifactUrl } from '../test/support/artifactHttp.js';
import { newRun } from '../test/support/mlflowHttp.js';
import { rssMb, sampleRss } from '../test/support/processMemory.js';
import { fmt, since, type Row } from './table.js';

const MB = 1024 * 1024;
const FILE_MB = 200;
const BIG_MB = 1024;
/** Each 200 MB figure is the median of this many rounds: disk speed on a shared machine varies a lot. */
const ROUNDS = 7;
/** Rounds run first and not counted: the agent's first uploads run before its code is optimised. */
const WARMUP_ROUNDS = 1;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function writeRandomFile(path: string, mb: number): Promise<void> {
  const block = randomBytes(MB);
  await pipeline(
    Readable.from((function* () {
      for (let i = 0; i < mb; i++) yield block;
    })()),
    createWriteStream(path, { flush: true }),
  );
}

/** A copy through user space, as a program that reads and writes makes one: 1 MB pieces, then fsync. */
async function streamedCopyS(from: string, to: string): Promise<number> {
  const t0 = performance.now();
  await pipeline(createReadStream(from, { highWaterMark: MB }), createWriteStream(to, { highWaterMark: MB, flush: true }));
  return since(t0) / 1000;
}

/** A plain copy made durable, as an upload is: the file copied (as `cp` does, in the kernel), then fsynced. */
async function plainCopyS(from: string, to: string): Promise<number> {
  const t0 = performance.now();
  await copyFile(from, to);
  const h = await open(to, 'r+');
  await h.datasync();
  await h.close();
  return since(t0) / 1000;
}

/** PUTs `body` (of `size` bytes) to `url`; seconds until the agent answered. */
async function uploadS(url: string, body: Readable, size: number): Promise<number> {
  const t0 = performance.now();
  const r = await rawRequest('PUT', new URL(url).origin, new URL(url).pathname, body, { 'content-type': 'application/octet-stream', 'content-length': size });
  if (r.status !== 200) throw new Error(`upload: ${r.status} ${r.body.toString()}`);
  return since(t0) / 1000;
}

/** GETs `url` into `sink`; seconds until the last byte was written. */
async function downloadS(url: string, sink: Writable): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    request(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download: ${res.statusCode}`));
      else pipeline(res, sink).then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });
  return since(t0) / 1000;
}

/** `mb` MB generated as read, never held whole. */
function generated(mb: number): Readable {
  const block = randomBytes(MB);
  let left = mb;
  return new Readable({
    read() {
      this.push(left-- > 0 ? Buffer.from(block) : null);
    },
  });
}

/** A sink that only counts what it is given. */
function countingSink(): { sink: Writable; bytes(): number } {
  let n = 0;
  return {
    sink: new Writable({
      write(chunk: Buffer, _enc, done) {
        n += chunk.length;
        done();
      },
    }),
    bytes: () => n,
  };
}

/** Measures artifact figures against the agent at `url` (process `pid`). */
export async function artifactBench(url: string, pid: number): Promise<Row[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'lablog-bench-files-'));
  try {
    const { experimentId, runId } = await newRun(url, `artifact-bench-${Date.now()}`);
    const source = join(scratch, 'source.bin');
    await writeRandomFile(source, FILE_MB);
    const size = (await stat(source)).size;

    // A round copies, uploads and downloads in turn, then deletes what it wrote, so the three
    // meet the same amount of dirty page cache waiting to be written back.
    const copies: number[] = [];
    const streamedCopies: number[] = [];
    const ups: number[] = [];
    const downs: number[] = [];
    const discards: number[] = [];
    const fileUrl = runArtifactUrl(url, experimentId, runId, 'bench/file.bin');
    for (let i = 0; i < WARMUP_ROUNDS + ROUNDS; i++) {
      const counted = i >= WARMUP_ROUNDS;
      const copy = await plainCopyS(source, join(scratch, 'copy.bin'));
      const streamed = await streamedCopyS(source, join(scratch, 'streamed.bin'));
      const up = await uploadS(fileUrl, createReadStream(source, { highWaterMark: MB }), size);
      const down = await downloadS(fileUrl, createWriteStream(join(scratch, 'downloaded.bin'), { highWaterMark: MB }));
      const discard = await downloadS(fileUrl, countingSink().sink);
      if (counted) {
        copies.push(copy);
        streamedCopies.push(streamed);
        ups.push(up);
        downs.push(down);
        discards.push(discard);
      }
      await Promise.all([rm(join(scratch, 'copy.bin')), rm(join(scratch, 'streamed.bin')), rm(join(scratch, 'downloaded.bin')), fetch(fileUrl, { method: 'DELETE' }).then((r) => r.arrayBuffer())]);
    }
    const copyMbS = FILE_MB / median(copies);
    const streamedMbS = FILE_MB / median(streamedCopies);
    const upMbS = FILE_MB / median(ups);
    const downMbS = FILE_MB / median(downs);
    const discardMbS = FILE_MB / median(discards);

    const baseline = await rssMb(pid);
    const bigUrl = runArtifactUrl(url, experimentId, runId, 'bench/big.bin');
    let sampler = sampleRss(pid);
    const bigUpS = await uploadS(bigUrl, generated(BIG_MB), BIG_MB * MB);
    const upPeak = await sampler.stop();
    sampler = sampleRss(pid);
    const counted = countingSink();
    const bigDownS = await downloadS(bigUrl, counted.sink);
    const downPeak = await sampler.stop();
    if (counted.bytes() !== BIG_MB * MB) throw new Error(`downloaded ${counted.bytes()} bytes of ${BIG_MB * MB}`);

    // the spread of the rounds' ratios to their own round's cp, beside the ratio of the medians
    const spread = (xs: number[]) => {
      const ratios = xs.map((x, i) => (100 * copies[i]!) / x).sort((a, b) => a - b);
      return `rounds ${fmt(ratios[0]!)}–${fmt(ratios[ratios.length - 1]!)} %`;
    };
    const pct = (x: number, xs: number[]) => `${fmt((100 * x) / copyMbS)} % of cp, ${fmt((100 * x) / streamedMbS)} % of streamed copy; ${spread(xs)}`;
    const copyRef = `cp + fsync ${fmt(copyMbS)} MB/s; read/write copy + fsync ${fmt(streamedMbS)} MB/s`;
    const rounds = `median of ${ROUNDS} after ${WARMUP_ROUNDS} warm-up`;
    return [
      { figure: `artifact upload, ${FILE_MB} MB file (PUT, durable; ${rounds})`, value: `${fmt(upMbS)} MB/s (${pct(upMbS, ups)})`, target: '≥ 50 % of plain copy', reference: copyRef },
      { figure: `artifact download, ${FILE_MB} MB file (GET to a file; ${rounds})`, value: `${fmt(downMbS)} MB/s (${pct(downMbS, downs)})`, target: '≥ 50 % of plain copy', reference: copyRef },
      { figure: `artifact download, ${FILE_MB} MB file (GET, client discards; ${rounds})`, value: `${fmt(discardMbS)} MB/s (${pct(discardMbS, discards)})`, target: '(what the agent serves)', reference: copyRef },
      { figure: `agent RSS growth, ${BIG_MB} MB artifact in`, value: `${fmt(upPeak - baseline)} MB (${fmt(BIG_MB / bigUpS)} MB/s)`, target: '< 100 MB', reference: `baseline RSS ${fmt(baseline)} MB` },
      { figure: `agent RSS growth, ${BIG_MB} MB artifact out`, value: `${fmt(downPeak - baseline)} MB (${fmt(BIG_MB / bigDownS)} MB/s)`, target: '< 100 MB', reference: `baseline RSS ${fmt(baseline)} MB` },
    ];
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

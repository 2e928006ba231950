/**
 * Artifact figures with an S3 bucket behind the agent (`--artifacts s3://…`, on s3proxy with its
 * filesystem backend, on this machine): upload and download of a 200 MB file through the agent,
 * each beside the same transfer made straight to the S3 server with the AWS SDK (the limit the
 * agent can reach: it adds a hop), and the agent's memory while a 1 GB artifact goes in and out.
 * Skipped, with a row saying why, where there is no s3proxy jar (.ci/run fetches it).
 */
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startAgentProcess } from '../test/support/agentProcess.js';
import { rawRequest, runArtifactUrl } from '../test/support/artifactHttp.js';
import { newRun } from '../test/support/mlflowHttp.js';
import { rssMb, sampleRss } from '../test/support/processMemory.js';
import { s3Skip, startS3Server } from '../test/support/s3Server.js';
import { fmt, since, type Row } from './table.js';

const MB = 1024 * 1024;
const FILE_MB = 200;
const BIG_MB = 1024;
const ROUNDS = 3;
const WARMUP_ROUNDS = 1;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `mb` MB of a random block, generated as read (each block a new Buffer, as a socket gives them). */
function generated(mb: number): Readable {
  const block = randomBytes(MB);
  let left = mb;
  return new Readable({
    read() {
      this.push(left-- > 0 ? Buffer.from(block) : null);
    },
  });
}

function discard(): Writable {
  return new Writable({ write: (_c, _e, done) => done() });
}

async function uploadS(url: string, mb: number): Promise<number> {
  const t0 = performance.now();
  const r = await rawRequest('PUT', new URL(url).origin, new URL(url).pathname, generated(mb), { 'content-type': 'application/octet-stream', 'content-length': mb * MB });
  if (r.status !== 200) throw new Error(`upload: ${r.status} ${r.body.toString()}`);
  return since(t0) / 1000;
}

async function downloadS(url: string): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    request(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download: ${res.statusCode}`));
      else pipeline(res, discard()).then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });
  return since(t0) / 1000;
}

/** Measures the S3 engine's artifact figures (starts its own S3 server and agent process). */
export async function s3ArtifactBench(): Promise<Row[]> {
  const skip = s3Skip();
  if (skip) return [{ figure: 'artifacts on S3', value: `skipped: ${skip}`, target: '', reference: '' }];
  // the JIT at its full level, as a server runs
  const s3 = await startS3Server([]);
  const store = await mkdtemp(join(tmpdir(), 'lablog-bench-s3-'));
  try {
    const bucket = await s3.createBucket();
    const agent = await startAgentProcess(['serve', '--port', '0', '--store', store, '--artifacts', `s3://${bucket}/bench`], s3.env);
    try {
      const pid = agent.child.pid!;
      const { experimentId, runId } = await newRun(agent.url, 'artifact-bench-s3');
      const fileUrl = runArtifactUrl(agent.url, experimentId, runId, 'bench/file.bin');
      const directKey = 'direct/file.bin';
      const ups: number[] = [];
      const downs: number[] = [];
      const directUps: number[] = [];
      const directDowns: number[] = [];
      // rounds alternate agent and direct transfers, so both meet the same state of the disk
      for (let i = 0; i < WARMUP_ROUNDS + ROUNDS; i++) {
        const up = await uploadS(fileUrl, FILE_MB);
        const down = await downloadS(fileUrl);
        let t0 = performance.now();
        // the SDK's own streamed multipart upload, as the agent makes it (5 MB parts, 2 in flight)
        await new Upload({ client: s3.client, params: { Bucket: bucket, Key: directKey, Body: generated(FILE_MB) }, partSize: 5 * MB, queueSize: 2 }).done();
        const directUp = since(t0) / 1000;
        t0 = performance.now();
        const got = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: directKey }));
        await pipeline(got.Body as Readable, discard());
        const directDown = since(t0) / 1000;
        if (i >= WARMUP_ROUNDS) {
          ups.push(up);
          downs.push(down);
          directUps.push(directUp);
          directDowns.push(directDown);
        }
        await fetch(fileUrl, { method: 'DELETE' }).then((r) => r.arrayBuffer());
        await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: directKey }));
      }
      const upMbS = FILE_MB / median(ups);
      const downMbS = FILE_MB / median(downs);
      const directUpMbS = FILE_MB / median(directUps);
      const directDownMbS = FILE_MB / median(directDowns);

      const baseline = await rssMb(pid);
      const bigUrl = runArtifactUrl(agent.url, experimentId, runId, 'bench/big.bin');
      let sampler = sampleRss(pid);
      const bigUpS = await uploadS(bigUrl, BIG_MB);
      const upPeak = await sampler.stop();
      sampler = sampleRss(pid);
      const bigDownS = await downloadS(bigUrl);
      const downPeak = await sampler.stop();

      const rounds = `median of ${ROUNDS} after ${WARMUP_ROUNDS} warm-up`;
      const ref = (x: number) => `S3 server straight with the SDK: ${fmt(x)} MB/s`;
      return [
        { figure: `S3 artifact upload, ${FILE_MB} MB file (PUT through the agent; ${rounds})`, value: `${fmt(upMbS)} MB/s (${fmt((100 * upMbS) / directUpMbS)} % of direct)`, target: '(beside the files engine above)', reference: ref(directUpMbS) },
        { figure: `S3 artifact download, ${FILE_MB} MB file (GET through the agent, client discards; ${rounds})`, value: `${fmt(downMbS)} MB/s (${fmt((100 * downMbS) / directDownMbS)} % of direct)`, target: '(beside the files engine above)', reference: ref(directDownMbS) },
        { figure: `agent RSS growth, ${BIG_MB} MB artifact in (S3)`, value: `${fmt(upPeak - baseline)} MB (${fmt(BIG_MB / bigUpS)} MB/s)`, target: '< 100 MB', reference: `baseline RSS ${fmt(baseline)} MB` },
        { figure: `agent RSS growth, ${BIG_MB} MB artifact out (S3)`, value: `${fmt(downPeak - baseline)} MB (${fmt(BIG_MB / bigDownS)} MB/s)`, target: '< 100 MB', reference: `baseline RSS ${fmt(baseline)} MB` },
      ];
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
  } finally {
    await s3.stop();
    await rm(store, { recursive: true, force: true });
  }
}

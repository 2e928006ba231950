/**
 * The artifact repository in an S3-compatible bucket, through the AWS SDK v3: uploads stream
 * into a multipart upload (lib-storage's `Upload`, a few parts in flight, so memory stays bounded
 * whatever the file's size) that the bucket makes visible only once complete and that is aborted
 * when the upload fails; downloads stream the object's body (ranges too). S3 has keys, not
 * folders, so the file repository's rules are kept here by asking first: a file is never written
 * below a file nor over a folder, and a folder is listed, deleted and refused as a download as on
 * disk. Keys mirror the store's layout under the bucket's prefix (`<prefix>runs/<id>/artifacts/…`).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidParameter, notFound } from '../errors.js';
import type { ArtifactDownload, ArtifactRepository, ByteRange, FolderEntry, Removed } from './ArtifactRepository.js';
import { joinRel, type RelPath } from './artifactPath.js';
import { artifactContentType } from './contentType.js';
import { s3Code, s3Failure } from './s3Errors.js';

/** The bucket a repository and all the repositories `within` it share. */
export interface S3Bucket {
  client: S3Client;
  bucket: string;
  /** The server's URL when not AWS itself, for messages. */
  endpoint: string | undefined;
}

// Uploads go in 8 MB parts, 4 at a time: at most ~32 MB of an upload is in memory, and S3's
// 10,000-part limit still allows 80 GB files. (The minimum part size is 5 MB.)
const PART_SIZE = 5 << 20;
const PARTS_IN_FLIGHT = 2;
/** Below this an append rewrites the object; above it, it copies the object as a part (S3's minimum part size). */
const MIN_PART = 5 << 20;
/** DeleteObjects takes at most this many keys a request. */
const DELETE_BATCH = 1000;

/** Counts the bytes that go through. */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** A folder of artifact files in a bucket: the keys under one prefix. */
export class S3ArtifactRepository implements ArtifactRepository {
  /**
   * @param prefix the folder's key prefix: `''` (the bucket) or ending with `/`
   */
  constructor(
    private readonly s3: S3Bucket,
    private readonly prefix: string,
  ) {}

  get uri(): string {
    return `s3://${this.s3.bucket}/${this.prefix}`;
  }

  within(sub: RelPath): S3ArtifactRepository {
    return sub.length === 0 ? this : new S3ArtifactRepository(this.s3, `${this.prefix}${sub.join('/')}/`);
  }

  private key(rel: RelPath): string {
    return this.prefix + rel.join('/');
  }

  /** Runs an S3 call, turning its failures into MlflowErrors. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw s3Failure(err, this.uri, this.s3.endpoint);
    }
  }

  /** The object's size, or null when there is none at `key`. */
  private async sizeOf(key: string): Promise<number | null> {
    try {
      const head = await this.s3.client.send(new HeadObjectCommand({ Bucket: this.s3.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (s3Code(err) === 'NotFound' || s3Code(err) === 'NoSuchKey') return null;
      throw s3Failure(err, this.uri, this.s3.endpoint);
    }
  }

  /** Tells whether any key lies below `key/` (a folder). */
  private async isFolder(key: string): Promise<boolean> {
    const out = await this.call(() => this.s3.client.send(new ListObjectsV2Command({ Bucket: this.s3.bucket, Prefix: `${key}/`, MaxKeys: 1 })));
    return (out.KeyCount ?? out.Contents?.length ?? 0) > 0;
  }

  /**
   * Refuses a file at `rel` where the file repository could not make one: over a folder, or
   * below a file. (Two uploads racing for the two shapes can both pass; a folder's files then
   * shadow nothing, as S3 keeps both keys.)
   */
  private async checkWritable(rel: RelPath): Promise<void> {
    if (rel.length === 0) throw invalidParameter('An artifact upload needs a file name after the artifact folder.');
    const ancestors = rel.slice(0, -1).map((_, i) => this.key(rel.slice(0, i + 1)));
    const [folder, ...files] = await Promise.all([this.isFolder(this.key(rel)), ...ancestors.map((k) => this.sizeOf(k))]);
    if (folder) throw invalidParameter(`Cannot write artifact '${joinRel(rel)}': a folder of that name exists.`);
    if (files.some((size) => size !== null)) throw invalidParameter(`Cannot write artifact '${joinRel(rel)}': a part of its folder path is a file.`);
  }

  async put(rel: RelPath, source: Readable): Promise<number> {
    await this.checkWritable(rel);
    const counter = new ByteCounter();
    const piped = pipeline(source, counter);
    const upload = new Upload({
      client: this.s3.client,
      params: { Bucket: this.s3.bucket, Key: this.key(rel), Body: counter, ContentType: artifactContentType(rel[rel.length - 1] as string) },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      // a failed upload aborts its multipart upload, so no part is left behind in the bucket
      leavePartsOnError: false,
    });
    try {
      await Promise.all([upload.done(), piped]);
    } catch (err) {
      // a client that went away: stop reading, and the bucket drops the parts
      counter.destroy();
      await upload.abort().catch(() => undefined);
      throw s3Failure(err, this.uri, this.s3.endpoint);
    }
    return counter.bytes;
  }

  async append(rel: RelPath, text: string): Promise<number> {
    const key = this.key(rel);
    const size = await this.sizeOf(key);
    if (size === null) {
      await this.checkWritable(rel);
      await this.call(() => this.s3.client.send(new PutObjectCommand({ Bucket: this.s3.bucket, Key: key, Body: Buffer.from(text) })));
      return Buffer.byteLength(text);
    }
    if (size < MIN_PART) {
      // small: read it and write it back with the text (S3 has no append)
      const old = await this.readAll(key);
      const bytes = Buffer.concat([old, old.length > 0 && old[old.length - 1] !== 0x0a ? Buffer.from('\n') : Buffer.alloc(0), Buffer.from(text)]);
      await this.call(() => this.s3.client.send(new PutObjectCommand({ Bucket: this.s3.bucket, Key: key, Body: bytes })));
      return bytes.length;
    }
    // large: the bucket copies the object into a new one as its first part, and the text is the
    // second, so an append costs the text, not the file
    const last = await this.readAll(key, `bytes=${size - 1}-${size - 1}`);
    const tail = Buffer.from(last[0] === 0x0a ? text : `\n${text}`);
    await this.appendByCopy(key, tail);
    return size + tail.length;
  }

  private async appendByCopy(key: string, tail: Buffer): Promise<void> {
    const { client, bucket } = this.s3;
    const created = await this.call(() => client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })));
    const UploadId = created.UploadId;
    try {
      const source = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
      const copied = await client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, CopySource: source }));
      const sent = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: tail }));
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult?.ETag }, { PartNumber: 2, ETag: sent.ETag }] },
        }),
      );
    } catch (err) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
      throw s3Failure(err, this.uri, this.s3.endpoint);
    }
  }

  /** A small object (or range), whole. */
  private async readAll(key: string, range?: string): Promise<Buffer> {
    const out = await this.call(() => this.s3.client.send(new GetObjectCommand({ Bucket: this.s3.bucket, Key: key, ...(range ? { Range: range } : {}) })));
    return Buffer.from((await out.Body?.transformToByteArray()) ?? []);
  }

  async get(rel: RelPath, range?: ByteRange): Promise<ArtifactDownload> {
    if (rel.length === 0) throw invalidParameter('An artifact download needs a file path inside the artifact folder.');
    const key = this.key(rel);
    const name = rel[rel.length - 1] as string;
    const header = range === undefined ? undefined : range.start < 0 ? `bytes=${range.start}` : `bytes=${range.start}-${range.end >= Number.MAX_SAFE_INTEGER ? '' : range.end}`;
    let out;
    try {
      out = await this.s3.client.send(new GetObjectCommand({ Bucket: this.s3.bucket, Key: key, ...(header ? { Range: header } : {}) }));
    } catch (err) {
      const code = s3Code(err);
      if (code === 'NoSuchKey' || code === 'NotFound') {
        if (await this.isFolder(key)) throw invalidParameter(`Artifact '${joinRel(rel)}' is a folder; list it instead.`);
        throw notFound(`Artifact '${joinRel(rel)}' does not exist.`);
      }
      if (code === 'InvalidRange') {
        const size = await this.sizeOf(key);
        if (size === null) throw notFound(`Artifact '${joinRel(rel)}' does not exist.`);
        return { body: Readable.from([]), size, name };
      }
      throw s3Failure(err, this.uri, this.s3.endpoint);
    }
    const body = out.Body as Readable;
    const part = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange ?? '');
    if (header && part) {
      return { body, size: Number(part[3]), name, range: { start: Number(part[1]), end: Number(part[2]) } };
    }
    // no range asked, or the server sent the whole object (a range over the whole file)
    const size = out.ContentLength ?? 0;
    if (header && size > 0) return { body, size, name, range: { start: 0, end: size - 1 } };
    if (header) {
      body.destroy();
      return { body: Readable.from([]), size, name };
    }
    return { body, size, name };
  }

  async list(rel: RelPath): Promise<FolderEntry[] | null> {
    const prefix = rel.length === 0 ? this.prefix : `${this.key(rel)}/`;
    const entries: FolderEntry[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.s3.client.send(new ListObjectsV2Command({ Bucket: this.s3.bucket, Prefix: prefix, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) })),
      );
      for (const p of page.CommonPrefixes ?? []) {
        const name = (p.Prefix ?? '').slice(prefix.length, -1);
        if (name !== '') entries.push({ name, isDir: true });
      }
      for (const o of page.Contents ?? []) {
        const name = (o.Key ?? '').slice(prefix.length);
        // a "folder marker" (a key ending in /, made by other tools) is no file
        if (name !== '') entries.push({ name, isDir: false, size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (entries.length === 0) return null;
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(rel: RelPath): Promise<Removed | null> {
    if (rel.length > 0) {
      const key = this.key(rel);
      const size = await this.sizeOf(key);
      if (size !== null) {
        await this.call(() => this.s3.client.send(new DeleteObjectCommand({ Bucket: this.s3.bucket, Key: key })));
        return { isDir: false, size };
      }
    }
    const removed = await this.deleteAll(rel.length === 0 ? this.prefix : `${this.key(rel)}/`);
    return removed > 0 ? { isDir: true, size: 0 } : null;
  }

  /** Deletes every key under `prefix`, a page at a time. @returns how many */
  private async deleteAll(prefix: string): Promise<number> {
    const { client, bucket } = this.s3;
    let count = 0;
    for (;;) {
      // each round lists what is left: deleting while paging would skip keys
      const page = await this.call(() => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: DELETE_BATCH })));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
      if (keys.length === 0) return count;
      const out = await this.call(() => client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } })));
      if (out.Errors && out.Errors.length > 0) {
        const first = out.Errors[0];
        throw s3Failure(Object.assign(new Error(first?.Message ?? 'delete failed'), { name: first?.Code ?? 'Error', $metadata: { httpStatusCode: 500 } }), this.uri, this.s3.endpoint);
      }
      count += keys.length;
    }
  }
}

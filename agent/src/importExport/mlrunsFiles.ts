/**
 * Reading the files of an MLflow file store (the `mlruns/` folder `mlflow` writes with a
 * `file:` tracking URI): `meta.yaml` documents, and the folders where every file is one value
 * (`params/`, `tags/`, `aliases/`) whose keys may contain `/` (subfolders).
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

/** A folder or file that is not what an MLflow file store holds there. */
export class MalformedMlruns extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`${path}: ${what}`);
    this.name = 'MalformedMlruns';
  }
}

/** A parsed `meta.yaml`: plain values, integers as bigint so 18-digit ids stay exact. */
export type Meta = Record<string, unknown>;

/**
 * Reads a `meta.yaml`. Expected absence is a value: a missing file gives null.
 * @throws MalformedMlruns when it is not YAML or not a mapping
 */
export async function readMeta(dir: string): Promise<Meta | null> {
  const path = join(dir, 'meta.yaml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
  let doc: unknown;
  try {
    doc = parse(text, { intAsBigInt: true });
  } catch (err) {
    throw new MalformedMlruns(path, `not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new MalformedMlruns(path, 'not a YAML mapping');
  return doc as Meta;
}

/** A meta value as text ('' for null or absent); numbers and bigints in decimal. */
export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

/** A meta value as a number, or `fallback` when absent or not numeric. */
export function num(v: unknown, fallback: number): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return fallback;
}

/** A meta value as a number, or null when absent (`end_time: null`). */
export function numOrNull(v: unknown): number | null {
  const n = num(v, NaN);
  return Number.isNaN(n) ? null : n;
}

/** The entries of a folder, `[]` when it does not exist. */
export async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** True when `path` is a folder. */
export async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The files under a folder with their keys: the path below the folder, `/`-separated
 * (MLflow stores a key `a/b` as the file `b` in the subfolder `a`).
 */
export async function keyedFiles(dir: string, prefix = ''): Promise<Array<{ key: string; path: string }>> {
  const out: Array<{ key: string; path: string }> = [];
  for (const e of await entries(dir)) {
    const key = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await keyedFiles(join(dir, e.name), key)));
    else if (e.isFile()) out.push({ key, path: join(dir, e.name) });
  }
  return out;
}

/** The one-value-a-file folder `dir` as a record (params, tags). */
export async function keyValueFolder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { key, path } of await keyedFiles(dir)) out[key] = await readFile(path, 'utf8');
  return out;
}

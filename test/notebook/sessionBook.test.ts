/**
 * Notebook sessions are kept on disk, not in memory: only the most recently used stay loaded,
 * a session in use is never loaded twice, and package lists live in a file of their own.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { SessionBook as Book } from '../../agent/src/notebook/SessionBook.js';
import { PYTHON_SESSION } from '../support/notebookHttp.js';

// Not part of the package's exports: loaded from its build, as the agent runs it.
const agentDist = join(dirname(createRequire(import.meta.url).resolve('lablog/package.json')), 'dist');
const { SessionBook } = (await import(join(agentDist, 'notebook', 'SessionBook.js'))) as { SessionBook: typeof Book };

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lablog-sessions-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('sessions past the most recently used are read back from disk with everything they had', async () => {
  const store = join(dir, 'lru');
  const book = await SessionBook.open(store, 4);
  for (let i = 0; i < 12; i++) await book.register(`k${i}`, { ...PYTHON_SESSION, packages: [`pkg-${i}==1.0`, 'numpy==2.0'] }, 1000 + i);
  // k0 fell out of the recent ones; a change to it goes to disk and comes back
  const k0 = (await book.find('k0'))!;
  k0.doc.runs.push({ run_id: 'r0', start: false, end: 'open' });
  await k0.save();

  const reopened = await SessionBook.open(store, 4);
  const again = (await reopened.find('k0'))!;
  assert.deepEqual(again.doc.runs, [{ run_id: 'r0', start: false, end: 'open' }]);
  assert.deepEqual((await again.toWire()).packages, ['pkg-0==1.0', 'numpy==2.0']);
  assert.equal(again.doc.created_time, 1000);
  assert.deepEqual((await readdir(join(store, 'sessions', 'k0'))).sort(), ['packages.txt', 'session.json']);
});

test('a session still held by someone is the same object when found again, however many came after', async () => {
  const book = await SessionBook.open(join(dir, 'held'), 2);
  const held = await book.register('held', PYTHON_SESSION, 1);
  for (let i = 0; i < 10; i++) await book.register(`other${i}`, PYTHON_SESSION, 2);
  assert.equal(await book.find('held'), held);
});

test('a session document from before package files keeps its packages, moved to packages.txt', async () => {
  const store = join(dir, 'legacy');
  const folder = join(store, 'sessions', 'old');
  await mkdir(folder, { recursive: true });
  const { packages: _p, ...rest } = PYTHON_SESSION;
  await writeFile(join(folder, 'session.json'), JSON.stringify({ session_id: 'old', ...rest, packages: ['a==1', 'b==2'], created_time: 1, updated_time: 1, snapshot_time: null, runs: [] }));
  const book = await SessionBook.open(store);
  const s = (await book.find('old'))!;
  assert.deepEqual((await s.toWire()).packages, ['a==1', 'b==2']);
  assert.equal(await readFile(join(folder, 'packages.txt'), 'utf8'), 'a==1\nb==2\n');
  assert.equal((JSON.parse(await readFile(join(folder, 'session.json'), 'utf8')) as { packages?: unknown }).packages, undefined);
});

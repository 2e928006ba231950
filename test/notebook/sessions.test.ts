/**
 * Notebook sessions as the JupyterLab extension registers them: the tracking URI the agent
 * answers, what it keeps, what it refuses (a 400 that stores nothing), and that an agent
 * restarted on the same store still knows the session and serves its prefix.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAgent } from 'lablog';
import { Lablog, RequestError } from '@lablog/client';
import { PYTHON_SESSION, artifactText, notebook, putNotebook, registerSession, sendJson, sessionPath } from '../support/notebookHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

type SessionBody = { session_id: string; notebook_path: string; kernel: Record<string, string>; python?: unknown; git?: unknown; packages?: string[]; created_time: number; updated_time: number; snapshot_time?: number; run_ids: string[] };
type RunBody = { run: { info: { run_id: string; status: string }; data: { tags?: Array<{ key: string; value: string }> } } };

const tagsOf = (r: RunBody) => Object.fromEntries((r.run.data.tags ?? []).map((t) => [t.key, t.value]));

describe('notebook sessions', () => {
  let a: StartedAgent;
  before(async () => {
    a = await startAgent();
  });
  after(() => a.close());

  test('registering answers the tracking URI at the host the request used', async () => {
    const r = await registerSession(a.url, 'kernel-1');
    assert.deepEqual(r, { session_id: 'kernel-1', tracking_uri: `${a.url}/nb/kernel-1` });
    const viaLocalhost = await sendJson<{ tracking_uri: string }>(a.url.replace('127.0.0.1', 'localhost'), 'PUT', sessionPath('kernel-1'), PYTHON_SESSION);
    assert.equal(viaLocalhost.body.tracking_uri, `${a.url.replace('127.0.0.1', 'localhost')}/nb/kernel-1`);
  });

  test('GET gives back what was registered, with the session runs', async () => {
    await registerSession(a.url, 'kernel-get');
    const run = await sendJson<RunBody>(a.url, 'POST', '/nb/kernel-get/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const r = await sendJson<SessionBody>(a.url, 'GET', sessionPath('kernel-get'));
    assert.equal(r.status, 200);
    assert.equal(r.body.notebook_path, PYTHON_SESSION.notebook_path);
    assert.deepEqual(r.body.kernel, PYTHON_SESSION.kernel);
    assert.deepEqual(r.body.python, PYTHON_SESSION.python);
    assert.deepEqual(r.body.git, PYTHON_SESSION.git);
    assert.deepEqual(r.body.packages, PYTHON_SESSION.packages);
    assert.deepEqual(r.body.run_ids, [run.body.run.info.run_id]);
    assert.equal(r.body.snapshot_time, undefined);
  });

  test('registering again (renamed notebook, restarted kernel) replaces the info and keeps the runs', async () => {
    await registerSession(a.url, 'kernel-re');
    const run = await sendJson<RunBody>(a.url, 'POST', '/nb/kernel-re/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const first = (await sendJson<SessionBody>(a.url, 'GET', sessionPath('kernel-re'))).body;
    await registerSession(a.url, 'kernel-re', { notebook_path: 'renamed.ipynb', kernel: { language: 'typescript', name: 'deno' } });
    const again = (await sendJson<SessionBody>(a.url, 'GET', sessionPath('kernel-re'))).body;
    assert.equal(again.notebook_path, 'renamed.ipynb');
    assert.deepEqual(again.kernel, { language: 'typescript', name: 'deno' });
    assert.equal(again.python, undefined, 'the old kernel info is gone');
    assert.equal(again.git, undefined);
    assert.equal(again.created_time, first.created_time);
    assert.deepEqual(again.run_ids, [run.body.run.info.run_id]);
    const next = await sendJson<RunBody>(a.url, 'POST', '/nb/kernel-re/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    assert.equal(tagsOf(next.body)['mlflow.source.name'], 'renamed.ipynb');
    assert.equal(tagsOf(next.body)['lablog.kernel.language'], 'typescript');
  });

  test('an unknown session is 404 for GET, snapshots and executions', async () => {
    for (const [method, sub, body] of [
      ['GET', '', undefined],
      ['PUT', '/notebook', notebook('x = 1')],
      ['POST', '/executions', { cells: [] }],
    ] as const) {
      const r = await sendJson(a.url, method, sessionPath('never-registered', sub), body);
      assert.equal(r.status, 404, `${method} ${sub}`);
      assert.equal(r.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
    }
  });

  test('bad bodies and ids are refused with 400 and store nothing', async () => {
    const bad: Array<[string, string, string, unknown, RegExp]> = [
      ['bad id', 'PUT', sessionPath('no.dots'), PYTHON_SESSION, /session/],
      ['id too long', 'PUT', sessionPath('x'.repeat(65)), PYTHON_SESSION, /session/],
      ['no kernel', 'PUT', sessionPath('bad-1'), { notebook_path: 'a.ipynb' }, /kernel/],
      ['no kernel language', 'PUT', sessionPath('bad-2'), { notebook_path: 'a.ipynb', kernel: { name: 'python3' } }, /kernel\.language/],
      ['empty path', 'PUT', sessionPath('bad-3'), { notebook_path: '', kernel: { language: 'python' } }, /notebook_path/],
      ['library name', 'PUT', sessionPath('bad-4'), { ...PYTHON_SESSION, python: { ...PYTHON_SESSION.python, libraries: { 'no spaces': '1' } } }, /libraries/],
      ['git dirty', 'PUT', sessionPath('bad-5'), { ...PYTHON_SESSION, git: { commit: 'abc', dirty: 'yes' } }, /git\.dirty/],
      ['packages', 'PUT', sessionPath('bad-6'), { ...PYTHON_SESSION, packages: 'numpy==1' }, /packages/],
    ];
    for (const [what, method, path, body, message] of bad) {
      const r = await sendJson(a.url, method, path, body);
      assert.equal(r.status, 400, what);
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE', what);
      assert.match(String(r.body.message), message, what);
    }
    assert.deepEqual(await readdir(join(a.storeDir, 'sessions')).then((names) => names.filter((n) => n.startsWith('bad') || n.startsWith('no'))), []);

    await registerSession(a.url, 'kernel-bad');
    const badSnapshots: Array<[string, unknown]> = [
      ['no cells', { nbformat: 4, nbformat_minor: 5, metadata: {} }],
      ['nbformat 3', { nbformat: 3, cells: [] }],
      ['cell without type', { nbformat: 4, cells: [{ source: 'x' }] }],
      ['not an object', [1, 2]],
    ];
    for (const [what, body] of badSnapshots) {
      const r = await sendJson(a.url, 'PUT', sessionPath('kernel-bad', '/notebook'), body);
      assert.equal(r.status, 400, what);
    }
    const notJson = await sendJson(a.url, 'PUT', sessionPath('kernel-bad', '/notebook'), '{"nbformat": 4, "cells": [');
    assert.equal(notJson.status, 400);

    const cell = { execution_count: 1, source: 'x', started: 1000, ended: 2000, status: 'ok' };
    const badCells: Array<[string, unknown]> = [
      ['status', { cells: [{ ...cell, status: 'done' }] }],
      ['ended before started', { cells: [cell, { ...cell, started: 3000, ended: 2000 }] }],
      ['count type', { cells: [{ ...cell, execution_count: '1' }] }],
      ['no source', { cells: [{ ...cell, source: undefined }] }],
      ['no cells', {}],
    ];
    for (const [what, body] of badCells) {
      const r = await sendJson(a.url, 'POST', sessionPath('kernel-bad', '/executions'), body);
      assert.equal(r.status, 400, what);
      assert.equal(r.body.error_code, 'INVALID_PARAMETER_VALUE', what);
    }
    const s = (await sendJson<SessionBody>(a.url, 'GET', sessionPath('kernel-bad'))).body;
    assert.equal(s.snapshot_time, undefined, 'no bad snapshot was kept');
    assert.deepEqual((await readdir(join(a.storeDir, 'sessions', 'kernel-bad'))).sort(), ['packages.txt', 'session.json']);
  });

  test('the TS client registers, reads, snapshots and reports through Lablog.sessions', async () => {
    const lablog = new Lablog({ url: a.url, spoolDir: false });
    try {
      const reg = await lablog.sessions.register('ts-client', PYTHON_SESSION);
      assert.equal(reg.tracking_uri, `${a.url}/nb/ts-client`);
      await lablog.sessions.putNotebook('ts-client', JSON.stringify(notebook('y = 2')));
      assert.deepEqual(await lablog.sessions.logExecutions('ts-client', [{ execution_count: 1, source: 'y = 2', started: 1, ended: 2, status: 'ok' }]), []);
      const s = await lablog.sessions.get('ts-client');
      assert.equal(typeof s.snapshot_time, 'number');
      await assert.rejects(lablog.sessions.get('nobody'), (e: unknown) => e instanceof RequestError && e.code === 'RESOURCE_DOES_NOT_EXIST');
    } finally {
      await lablog.close();
    }
  });
});

describe('notebook sessions across an agent restart', () => {
  test('the session, its runs and its prefix work again after the agent restarts on the same store', async (t) => {
    const first = await startAgent();
    let second: Awaited<ReturnType<typeof createAgent>> | undefined;
    t.after(async () => {
      await second?.close();
      await first.close(); // removes the store folder
    });
    await registerSession(first.url, 'kernel-r');
    await putNotebook(first.url, 'kernel-r', notebook('before = 1'));
    const ended = await sendJson<RunBody>(first.url, 'POST', '/nb/kernel-r/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const endedId = ended.body.run.info.run_id;
    await sendJson(first.url, 'POST', '/nb/kernel-r/api/2.0/mlflow/runs/update', { run_id: endedId, status: 'FINISHED', end_time: Date.now() });
    await first.agent.close();

    second = await createAgent({ store: first.storeDir });
    const url = await second.listen(0);
    const s = await sendJson<SessionBody>(url, 'GET', sessionPath('kernel-r'));
    assert.equal(s.status, 200);
    assert.equal(s.body.notebook_path, PYTHON_SESSION.notebook_path);
    assert.deepEqual(s.body.run_ids, [endedId]);

    // the kernel still holds the old tracking URI's path: a run created there is tagged as before
    const run = await sendJson<RunBody>(url, 'POST', '/nb/kernel-r/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    assert.equal(run.status, 200);
    const tags = tagsOf(run.body);
    assert.equal(tags['mlflow.source.name'], PYTHON_SESSION.notebook_path);
    assert.equal(tags['lablog.session'], 'kernel-r');
    assert.match((await artifactText(url, run.body.run.info.run_id, 'notebook/start.ipynb')) ?? '', /before = 1/, 'the snapshot kept on disk is the start snapshot');

    // the run that ended before the restart still takes the snapshot that follows its end
    await putNotebook(url, 'kernel-r', notebook('before = 1', 'printed'));
    assert.match((await artifactText(url, endedId, 'notebook/end.ipynb')) ?? '', /printed/);
    const metric = await sendJson(url, 'POST', '/nb/kernel-r/api/2.0/mlflow/runs/log-metric', { run_id: run.body.run.info.run_id, key: 'm', value: 1, timestamp: Date.now() });
    assert.equal(metric.status, 200);
  });
});

/**
 * Artifacts through the mlflow-artifacts proxy API, over real sockets, as the MLflow client
 * uses it: uploads with any Content-Type and implied folders, byte-exact downloads with the
 * Content-Type MLflow gives, listings in MLflow's shapes, deletion, and the run listing and UI
 * download routes. Run against every artifact engine: the store folder and an S3 bucket.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { artifactBackends } from '../support/artifactBackends.js';
import { getArtifact, listArtifacts, putArtifact, runArtifactUrl } from '../support/artifactHttp.js';
import type { ServerMessage } from '@lablog/schema';
import { LiveTestClient } from '../support/liveClient.js';
import { get, newRun } from '../support/mlflowHttp.js';
import { createModel, createVersion } from '../support/registryHttp.js';
import { startAgent, type StartedAgent } from '../support/startAgent.js';

for (const backend of artifactBackends()) describe(`the mlflow-artifacts proxy API (${backend.name})`, { skip: backend.skip }, () => {
  let a: StartedAgent;
  let exp: string;
  let run: string;
  const url = (rel = '') => runArtifactUrl(a.url, exp, run, rel);
  const dir = (rel = '') => `${exp}/${run}/artifacts${rel ? `/${rel}` : ''}`;

  before(async () => {
    a = await startAgent({ artifacts: (await backend.prepare()).artifacts });
    ({ experimentId: exp, runId: run } = await newRun(a.url, 'artifacts'));
  });
  after(() => a.close());

  test('an upload into nested folders creates them, answers {} and reads back', async () => {
    const put = await putArtifact(url('deep/er/still/deeper/notes.txt'), 'nested', 'text/plain');
    assert.deepEqual(put, { status: 200, json: {} });
    const got = await getArtifact(url('deep/er/still/deeper/notes.txt'));
    assert.equal(got.status, 200);
    assert.equal(got.body.toString(), 'nested');
  });

  test('every byte value and 5 MB of random bytes come back byte for byte', async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.equal((await putArtifact(url('bin/all-bytes.bin'), all)).status, 200);
    assert.deepEqual((await getArtifact(url('bin/all-bytes.bin'))).body, Buffer.from(all));
    const random = randomBytes(5 * 1024 * 1024);
    assert.equal((await putArtifact(url('bin/random.bin'), random)).status, 200);
    const back = await getArtifact(url('bin/random.bin'));
    assert.equal(back.body.length, random.length);
    assert.ok(back.body.equals(random));
  });

  test('any Content-Type is accepted for an upload, a malformed one and none included', async () => {
    for (const [name, type] of [['a.json', 'application/json'], ['b.csv', 'text/csv'], ['c.dat', 'nonsense'], ['d.png', 'image/png']]) {
      const put = await putArtifact(url(`types/${name}`), `body of ${name}`, type as string);
      assert.equal(put.status, 200, `${name} as ${type}`);
      assert.equal((await getArtifact(url(`types/${name}`))).body.toString(), `body of ${name}`);
    }
    const res = await fetch(url('types/none.bin'), { method: 'PUT', body: new Uint8Array([7]) });
    assert.equal(res.status, 200);
    assert.deepEqual([...(await getArtifact(url('types/none.bin'))).body], [7]);
  });

  test('an empty file is a file', async () => {
    assert.equal((await putArtifact(url('empty.txt'), '')).status, 200);
    const got = await getArtifact(url('empty.txt'));
    assert.equal(got.status, 200);
    assert.equal(got.body.length, 0);
  });

  test('uploading to the same path again replaces the file', async () => {
    await putArtifact(url('replace.txt'), 'first version, longer');
    await putArtifact(url('replace.txt'), 'second');
    assert.equal((await getArtifact(url('replace.txt'))).body.toString(), 'second');
  });

  test('a file cannot be written below a file, nor over a folder', async () => {
    await putArtifact(url('clash/file.txt'), 'f');
    const below = await putArtifact(url('clash/file.txt/child.txt'), 'c');
    assert.equal(below.status, 400);
    assert.equal(below.json.error_code, 'INVALID_PARAMETER_VALUE');
    const over = await putArtifact(url('clash'), 'x');
    assert.equal(over.status, 400);
    assert.equal((await getArtifact(url('clash/file.txt'))).body.toString(), 'f', 'what was there is untouched');
    const stored = await backend.storedPaths(a.storeDir, `runs/${run}/artifacts`);
    assert.ok(!stored.some((name) => name.includes('.lablog-upload-')), `no temporary file is left: ${stored.join(', ')}`);
    assert.equal(await backend.uploadsInProgress(a.storeDir), 0, 'no upload is left open');
  });

  test('downloads carry exactly the Content-Type MLflow gives (no charset), as attachments with nosniff', async () => {
    const cases: Array<[string, string]> = [
      ['ct/report.txt', 'text/plain'],
      ['ct/data.json', 'text/plain'],
      ['ct/MLmodel', 'text/plain'],
      ['ct/mlproject', 'text/plain'],
      ['ct/conda.yaml', 'text/plain'],
      ['ct/plot.png', 'image/png'],
      ['ct/photo.JPG', 'image/jpeg'],
      ['ct/page.html', 'text/html'],
      ['ct/model.pkl', 'application/octet-stream'],
    ];
    for (const [rel] of cases) await putArtifact(url(rel), 'x');
    for (const [rel, type] of cases) {
      const res = await fetch(url(rel));
      assert.equal(res.headers.get('content-type'), type, rel);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="${rel.split('/').pop()}"`);
      assert.equal(res.headers.get('content-length'), '1');
      await res.arrayBuffer();
    }
  });

  test('listings name entries relative to the listed folder, sorted, sizes only for files', async () => {
    const { experimentId: e, runId } = await newRun(a.url, 'listing');
    const u = (rel: string) => runArtifactUrl(a.url, e, runId, rel);
    await putArtifact(u('b.txt'), '12345');
    await putArtifact(u('a/x.txt'), '1');
    await putArtifact(u('a/sub/y.txt'), '22');
    const root = await listArtifacts(a.url, `${e}/${runId}/artifacts`);
    assert.deepEqual(root.json, { files: [{ path: 'a', is_dir: true }, { path: 'b.txt', is_dir: false, file_size: 5 }] });
    const sub = await listArtifacts(a.url, `${e}/${runId}/artifacts/a`);
    assert.deepEqual(sub.json, { files: [{ path: 'sub', is_dir: true }, { path: 'x.txt', is_dir: false, file_size: 1 }] });
    assert.deepEqual((await listArtifacts(a.url, `${e}/${runId}/artifacts/a/sub`)).json, { files: [{ path: 'y.txt', is_dir: false, file_size: 2 }] });
  });

  test('listing a missing folder, or a file, answers {}', async () => {
    assert.deepEqual((await listArtifacts(a.url, dir('no/such/folder'))).json, {});
    await putArtifact(url('just-a-file.txt'), 'x');
    assert.deepEqual((await listArtifacts(a.url, dir('just-a-file.txt'))).json, {});
    const empty = await newRun(a.url, 'empty-run');
    assert.deepEqual((await listArtifacts(a.url, `${empty.experimentId}/${empty.runId}/artifacts`)).json, {});
  });

  test('DELETE removes a file, or a folder with everything in it, and answers {}', async () => {
    await putArtifact(url('trash/one.txt'), '1');
    await putArtifact(url('trash/inner/two.txt'), '2');
    await putArtifact(url('keep.txt'), 'k');
    let res = await fetch(url('trash/one.txt'), { method: 'DELETE' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    assert.equal((await getArtifact(url('trash/one.txt'))).status, 404);
    res = await fetch(url('trash'), { method: 'DELETE' });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.deepEqual((await listArtifacts(a.url, dir('trash'))).json, {});
    assert.equal((await getArtifact(url('keep.txt'))).body.toString(), 'k');
    res = await fetch(url('never/was.txt'), { method: 'DELETE' });
    assert.equal(res.status, 200, 'deleting what is not there is not an error');
    await res.arrayBuffer();
  });

  test('a missing file is 404 RESOURCE_DOES_NOT_EXIST; a folder is not a download', async () => {
    const missing = await getArtifact(url('nope.txt'));
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body.toString()).error_code, 'RESOURCE_DOES_NOT_EXIST');
    await putArtifact(url('folder/inside.txt'), 'x');
    const folder = await getArtifact(url('folder'));
    assert.equal(folder.status, 400);
    assert.equal(JSON.parse(folder.body.toString()).error_code, 'INVALID_PARAMETER_VALUE');
  });

  test('a path naming another experiment than the run\'s, or an unknown run, is 404', async () => {
    await putArtifact(url('mine.txt'), 'x');
    const other = await getArtifact(runArtifactUrl(a.url, '0', run, 'mine.txt'));
    assert.equal(other.status, 404);
    const put = await putArtifact(runArtifactUrl(a.url, '0', run, 'sneaky.txt'), 'x');
    assert.equal(put.status, 404);
    const unknown = await putArtifact(runArtifactUrl(a.url, exp, 'f'.repeat(32), 'x.txt'), 'x');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('a path outside every run and logged model is stored under the proxy\'s own root, as MLflow\'s proxy serves any path under its destination', async () => {
    const root = `${a.url}/api/2.0/mlflow-artifacts/artifacts`;
    assert.equal((await putArtifact(`${root}/loose/a.txt`, '0')).status, 200);
    assert.equal((await putArtifact(`${root}/loose/dir/b.txt`, '1')).status, 200);
    assert.equal((await putArtifact(`${root}/${exp}/${run}/x.txt`, 'x')).status, 200, 'a run\'s id without artifacts/ is no run folder');
    assert.equal((await getArtifact(`${root}/loose/dir/b.txt`)).body.toString(), '1');
    assert.deepEqual((await listArtifacts(a.url, 'loose')).files, [
      { path: 'a.txt', is_dir: false, file_size: 1 },
      { path: 'dir', is_dir: true },
    ]);
    assert.ok((await listArtifacts(a.url, '')).files?.some((f) => f.path === 'loose' && f.is_dir));
    // the run's own folder is untouched, and the root is as confined as any artifact folder
    assert.equal((await getArtifact(url('x.txt'))).status, 404);
    assert.deepEqual(await backend.storedPaths(a.storeDir, 'proxy-artifacts'), [`${exp}/${run}/x.txt`, 'loose/a.txt', 'loose/dir/b.txt'].sort());
    assert.equal((await putArtifact(`${root}/loose/%252e%252e/%252e%252e/escape.txt`, 'x')).status, 400);
    if (backend.name === 'files') assert.equal((await putArtifact(url(`${'n'.repeat(300)}.txt`), 'x')).status, 400, 'a name too long for the filesystem');
  });

  test('the same API answers under /ajax-api/2.0/mlflow-artifacts', async () => {
    const ajax = `${a.url}/ajax-api/2.0/mlflow-artifacts/artifacts`;
    assert.equal((await putArtifact(`${ajax}/${dir('ajax/hello.txt')}`, 'hi')).status, 200);
    assert.equal((await getArtifact(`${ajax}/${dir('ajax/hello.txt')}`)).body.toString(), 'hi');
    const list = await fetch(`${ajax}?path=${encodeURIComponent(dir('ajax'))}`);
    assert.deepEqual(await list.json(), { files: [{ path: 'hello.txt', is_dir: false, file_size: 2 }] });
  });

  test('artifacts/list lists a run\'s folder with paths relative to its artifact root', async () => {
    const { experimentId: e, runId } = await newRun(a.url, 'run-list');
    const u = (rel: string) => runArtifactUrl(a.url, e, runId, rel);
    await putArtifact(u('model/MLmodel'), 'flavors: {}');
    await putArtifact(u('model/data/w.bin'), '1234');
    await putArtifact(u('top.txt'), 'x');
    const root = await get(a.url, 'artifacts/list', { run_id: runId });
    assert.deepEqual(root.body, {
      root_uri: `mlflow-artifacts:/${e}/${runId}/artifacts`,
      files: [{ path: 'model', is_dir: true }, { path: 'top.txt', is_dir: false, file_size: 1 }],
    });
    const sub = await get(a.url, 'artifacts/list', { run_uuid: runId, path: 'model' });
    assert.deepEqual(sub.body.files, [{ path: 'model/MLmodel', is_dir: false, file_size: 11 }, { path: 'model/data', is_dir: true }]);
    assert.deepEqual((await get(a.url, 'artifacts/list', { run_id: runId, path: 'none' })).body, { root_uri: `mlflow-artifacts:/${e}/${runId}/artifacts` });
    assert.equal((await get(a.url, 'artifacts/list', { run_id: 'f'.repeat(32) })).status, 404);
  });

  test('viewers of the run are told of every artifact written and deleted', async () => {
    const viewer = await LiveTestClient.connect(a.url);
    try {
      viewer.send({ type: 'subscribe', id: 'art', scope: { kind: 'run', run_id: run } });
      await viewer.next((m) => m.type === 'subscribed');
      await putArtifact(url('live/plot.png'), new Uint8Array(10));
      await fetch(url('live/plot.png'), { method: 'DELETE' }).then((r) => r.arrayBuffer());
      await viewer.next((m: ServerMessage) => m.type === 'event' && m.event.kind === 'artifact' && m.event.deleted === true);
      const seen = viewer.events('art').map((e) => e.event);
      assert.deepEqual(seen.filter((e) => e.kind === 'artifact'), [
        { kind: 'artifact', experiment_id: exp, run_id: run, path: 'live/plot.png', file_size: 10 },
        { kind: 'artifact', experiment_id: exp, run_id: run, path: 'live/plot.png', file_size: 10, deleted: true },
      ]);
    } finally {
      viewer.ws.close();
    }
  });

  test('the UI downloads a run\'s file from /get-artifact', async () => {
    await putArtifact(url('ui/plot.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    const res = await getArtifact(`${a.url}/get-artifact?path=ui/plot.png&run_uuid=${run}`);
    assert.equal(res.status, 200);
    assert.equal(res.contentType, 'image/png');
    assert.deepEqual([...res.body], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal((await getArtifact(`${a.url}/get-artifact?path=ui/missing.png&run_id=${run}`)).status, 404);
  });

  test('the UI downloads a model version\'s file from /model-versions/get-artifact', async () => {
    await putArtifact(url('model/MLmodel'), 'artifact_path: model');
    await createModel(a.url, 'ui-model');
    await createVersion(a.url, 'ui-model', `mlflow-artifacts:/${exp}/${run}/artifacts/model`, { run_id: run });
    await createVersion(a.url, 'ui-model', `runs:/${run}/model`, { run_id: run });
    for (const version of ['1', '2']) {
      const res = await getArtifact(`${a.url}/model-versions/get-artifact?path=MLmodel&name=ui-model&version=${version}`);
      assert.equal(res.status, 200, `version ${version}`);
      assert.equal(res.body.toString(), 'artifact_path: model');
    }
    const bad = await getArtifact(`${a.url}/model-versions/get-artifact?path=../../run.json&name=ui-model&version=1`);
    assert.equal(bad.status, 400);
  });
});

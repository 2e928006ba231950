/**
 * The folder store writes a model version made from a logged model in two documents: the
 * registry's (which records the logged model's id), then the logged model's `mlflow.modelVersions`
 * tag. A crash between the two leaves the version unlisted; the next start lists it. The state
 * such a crash leaves is made on disk here (the tag as it was before the last version), and the
 * agent is opened on it again. (PostgreSQL writes both in one transaction.)
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAgent } from 'lablog';
import { get, newRun, post } from '../support/mlflowHttp.js';
import { startAgent } from '../support/startAgent.js';

type Tagged = { model: { info: { tags?: Array<{ key: string; value: string }> } } };

test('a version whose logged model lacks it in mlflow.modelVersions (a crash between the two writes) is listed at the next start', async () => {
  const a = await startAgent();
  try {
    const { experimentId, runId } = await newRun(a.url, 'lineage');
    const logged = await post<{ model: { info: { model_id: string } } }>(a.url, 'logged-models', { experiment_id: experimentId, name: 'clf', source_run_id: runId });
    const id = logged.body.model.info.model_id;
    await post(a.url, 'registered-models/create', { name: 'lin' });
    // MLflow 3's register_model: a models:/ source; and a runs:/ source naming the model by id
    for (const body of [{ source: `models:/${id}`, model_id: id }, { source: `runs:/${runId}/model`, model_id: id, run_id: runId }]) {
      const v = await post<{ model_version: Record<string, unknown> }>(a.url, 'model-versions/create', { name: 'lin', ...body });
      assert.equal(v.status, 200, JSON.stringify(v.body));
      // as MLflow's server answers: the model's id is not on the version
      assert.equal(v.body.model_version.model_id, undefined);
    }
    const whole = '[{"name": "lin", "version": 1}, {"name": "lin", "version": 2}]';
    const tagOf = async (url: string) => (await get<Tagged>(url, `logged-models/${id}`)).body.model.info.tags?.find((t) => t.key === 'mlflow.modelVersions')?.value;
    assert.equal(await tagOf(a.url), whole);
    await a.agent.close();

    // the logged model's document as a crash before its second write leaves it
    const path = join(a.storeDir, 'models', id, 'model.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as { tags: Record<string, string> };
    doc.tags['mlflow.modelVersions'] = '[{"name": "lin", "version": 1}]';
    await writeFile(path, JSON.stringify(doc));
    const unlisted = await createAgent({ store: a.storeDir });
    try {
      assert.equal(await tagOf(await unlisted.listen(0)), whole);
    } finally {
      await unlisted.close();
    }

    // and with no tag at all; a version of an unknown model is left alone
    doc.tags = {};
    await writeFile(path, JSON.stringify(doc));
    const untagged = await createAgent({ store: a.storeDir });
    try {
      const url = await untagged.listen(0);
      assert.equal((await post(url, 'model-versions/create', { name: 'lin', source: `models:/m-${'2'.repeat(32)}`, run_id: 'elsewhere' })).status, 200);
      assert.equal(await tagOf(url), whole);
    } finally {
      await untagged.close();
    }
  } finally {
    await a.close();
  }
});

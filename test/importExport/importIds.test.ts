/**
 * `lablog import` and experiment ids: an MLflow experiment keeps its id when the store has not
 * given it out, gets a new one otherwise, and ids an import took are never given out again.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createAgent } from 'lablog';
import { runCli } from '../support/agentProcess.js';
import { get } from '../support/mlflowHttp.js';
import { IRIS, REGRESSION, RUNS, SAMPLE } from '../support/mlrunsSample.js';

type RunBody = { run: { info: { experiment_id: string; artifact_uri: string } } };

describe('lablog import and experiment ids', () => {
  test('an id the store has already given out is replaced by a new one; ids taken by an import are never given out again', async () => {
    const work = await mkdtemp(join(tmpdir(), 'lablog-import-'));
    const copy = join(work, 'mlruns');
    const storeDir = join(work, 'store');
    try {
      await cp(SAMPLE, copy, { recursive: true });
      // iris-notebook claims id 1 (taken below), regression id 2 (free)
      for (const [exp, id] of [[IRIS, '1'], [REGRESSION, '2']]) {
        const path = join(copy, exp as string, 'meta.yaml');
        await writeFile(path, (await readFile(path, 'utf8')).replace(/^experiment_id: .*$/m, `experiment_id: '${id}'`));
      }
      const before = await createAgent({ store: storeDir });
      await before.store.createExperiment('mine', undefined, {});
      await before.close();

      const r = await runCli(['import', copy, '--store', storeDir]);
      assert.equal(r.code, 0, r.output);
      const agent = await createAgent({ store: storeDir });
      try {
        const url = await agent.listen(0);
        const idOf = async (name: string) => (await get<{ experiment: { experiment_id: string } }>(url, 'experiments/get-by-name', { experiment_name: name })).body.experiment.experiment_id;
        assert.equal(await idOf('mine'), '1');
        assert.equal(await idOf('regression'), '2');
        const iris = await idOf('iris-notebook');
        assert.ok(!['0', '1', '2'].includes(iris), iris);
        const run = await get<RunBody>(url, 'runs/get', { run_id: RUNS.depth4 });
        assert.equal(run.body.run.info.experiment_id, iris);
        assert.equal(run.body.run.info.artifact_uri, `mlflow-artifacts:/${iris}/${RUNS.depth4}/artifacts`);
        const fresh = await fetch(`${url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'after-import' }) });
        const { experiment_id } = (await fresh.json()) as { experiment_id: string };
        assert.ok(!['0', '1', '2', iris].includes(experiment_id), experiment_id);
      } finally {
        await agent.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

/**
 * A notebook run's end snapshot is not lost when no agent could write it at the time: on a team
 * server, agent A holds the session (and the run's artifact files); the run is ended through
 * agent B while A is stopped. When A starts again it finds the ended run in its session and
 * writes `notebook/end.ipynb`. And a run of A's session ended through B while A runs gets its end
 * snapshot from A's change feed, with no request waiting for it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createAgent, type Agent } from 'lablog';
import { engineMissing } from '../support/engines.js';
import { artifactText, notebook, putNotebook, registerSession, sendJson } from '../support/notebookHttp.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';

type RunBody = { run: { info: { run_id: string } } };

/** Polls until `read` gives a value (the snapshot follows a feed event or a start-up sweep). */
async function eventually<T>(read: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await read();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('never appeared');
}

const skip = await engineMissing('postgresql');
describe('end snapshots of runs ended elsewhere (team server)', { skip }, () => {
  let database = '';
  const folders: string[] = [];
  const agents: Agent[] = [];
  const serve = async (files: string) => {
    const agent = await createAgent({ store: database, files });
    agents.push(agent);
    return { agent, url: await agent.listen(0) };
  };
  /** A files folder of its own for an agent (one agent per folder). */
  const folder = async () => {
    const f = await mkdtemp(join(tmpdir(), 'lablog-nb-team-'));
    folders.push(f);
    return f;
  };
  before(async () => {
    database = await freshDatabase();
  });
  after(async () => {
    for (const a of agents) await a.close();
    for (const f of folders) await rm(f, { recursive: true, force: true });
    if (database) await dropDatabase(database);
  });

  test('ended through another agent while the session agent runs: written from its feed', async () => {
    const a = await serve(await folder());
    const b = await serve(await folder());
    await registerSession(a.url, 'team-live');
    await putNotebook(a.url, 'team-live', notebook('live = 1'));
    const created = await sendJson<RunBody>(a.url, 'POST', '/nb/team-live/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const runId = created.body.run.info.run_id;
    assert.equal((await sendJson(b.url, 'POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() })).status, 200);
    assert.match(await eventually(() => artifactText(a.url, runId, 'notebook/end.ipynb')), /live = 1/);
  });

  test('ended through another agent while the session agent is stopped: written when it starts again', async () => {
    const files = await folder();
    const first = await serve(files);
    await registerSession(first.url, 'team-down');
    await putNotebook(first.url, 'team-down', notebook('down = 1'));
    const created = await sendJson<RunBody>(first.url, 'POST', '/nb/team-down/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const runId = created.body.run.info.run_id;
    await first.agent.close();

    const other = await serve(await folder());
    assert.equal((await sendJson(other.url, 'POST', '/api/2.0/mlflow/runs/update', { run_id: runId, status: 'KILLED', end_time: Date.now() })).status, 200);

    const again = await serve(files);
    assert.match(await eventually(() => artifactText(again.url, runId, 'notebook/end.ipynb')), /down = 1/);
  });
});

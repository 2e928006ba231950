/**
 * The PostgreSQL change feed listens again when its LISTEN connection drops: two agents on one
 * database, a viewer on agent A, points logged through agent B; the database ends every LISTEN
 * connection (`pg_terminate_backend`, as a failover or an idle timeout would) while B goes on
 * logging. Each agent connects and listens again, and the viewer gets every event once, in order —
 * the feed resumes from the last seq it delivered.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { ServerMessage } from '@lablog/schema';
import { engineMissing, startEngineAgent, type EngineAgent } from '../support/engines.js';
import { LiveTestClient } from '../support/liveClient.js';
import { newRun, post } from '../support/mlflowHttp.js';
import { dropDatabase, freshDatabase } from '../support/postgres.js';

/** The LISTEN connections of the agents on the database (the feed's application_name). */
async function listeners(db: pg.Client): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'lablog change feed' ORDER BY pid");
  return rows.map((r) => r.pid);
}

describe('the PostgreSQL change feed after losing its LISTEN connection', async () => {
  const skip = await engineMissing('postgresql');
  let database = '';
  let a: EngineAgent;
  let b: EngineAgent;
  let db: pg.Client;
  before(async () => {
    if (skip) return;
    database = await freshDatabase();
    a = await startEngineAgent('postgresql', {}, database);
    b = await startEngineAgent('postgresql', {}, database);
    db = new pg.Client({ connectionString: database });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await a?.close();
    await b?.close();
    if (database) await dropDatabase(database);
  });

  test('listens again and delivers every event once, in order, including those committed while it was gone', { skip }, async () => {
    const { experimentId, runId } = await newRun(b.url, 'relisten');
    const viewer = await LiveTestClient.connect(a.url);
    viewer.send({ type: 'subscribe', id: 'v', scope: { kind: 'experiment', experiment_id: experimentId } });
    await viewer.next((m) => m.type === 'subscribed');
    const log = async (step: number) => assert.equal((await post(b.url, 'runs/log-batch', { run_id: runId, metrics: [{ key: 'x', value: step, timestamp: 1, step }] })).status, 200);
    const seen = (step: number) => viewer.next((m) => m.type === 'event' && m.event.kind === 'metrics' && m.event.metrics.some((p) => p.step === step), 10_000);

    for (let i = 0; i < 5; i++) await log(i);
    await seen(4);
    const before = await listeners(db);
    assert.equal(before.length, 2, 'one LISTEN connection per agent');

    // every LISTEN connection ends; B logs on meanwhile
    await db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
    for (let i = 5; i < 15; i++) await log(i);
    await seen(14);

    // both listen again, on new connections
    let after: number[] = [];
    for (let tries = 0; tries < 100; tries++) {
      after = await listeners(db);
      if (after.length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(after.length, 2, 'both agents listen again');
    assert.ok(after.every((pid) => !before.includes(pid)), 'on new connections');
    for (let i = 15; i < 20; i++) await log(i);
    await seen(19);

    const events = viewer.events('v') as Extract<ServerMessage, { type: 'event' }>[];
    const seqs = events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in seq order');
    assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
    assert.deepEqual(
      events.flatMap((e) => (e.event.kind === 'metrics' ? e.event.metrics.map((p) => p.step) : [])),
      Array.from({ length: 20 }, (_, i) => i),
    );
    await viewer.close();
  });
});

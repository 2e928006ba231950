/**
 * A live subscriber's snapshot on PostgreSQL: the scope's experiments and runs and the feed seq
 * they include, read in one repeatable-read snapshot so the state and the seq agree.
 */
import type pg from 'pg';
import type { Scope } from '@lablog/schema';
import { notFound } from '../../errors.js';
import type { ScopeState } from '../TrackingStore.js';
import { experimentRecord, runRecords, type ExperimentRow, type RunRow } from './pgRows.js';

/** The state of `scope` at a feed seq. @throws RESOURCE_DOES_NOT_EXIST for a missing run or experiment scope */
export async function pgScopeState(pool: pg.Pool, scope: Scope): Promise<ScopeState> {
  const c = await pool.connect();
  try {
    // one snapshot of the database: the state and the last event seq agree
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const seq = (await c.query<{ s: number }>('SELECT coalesce(max(seq), 0)::int8 AS s FROM events')).rows[0]!.s;
    let exps: ExperimentRow[];
    let runs: RunRow[];
    if (scope.kind === 'all') {
      exps = (await c.query<ExperimentRow>('SELECT * FROM experiments ORDER BY creation_time, experiment_id')).rows;
      runs = (await c.query<RunRow>('SELECT * FROM runs ORDER BY rid')).rows;
    } else if (scope.kind === 'experiment') {
      exps = (await c.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1', [scope.experiment_id])).rows;
      if (exps.length === 0) throw notFound(`No Experiment with id=${scope.experiment_id} exists`);
      runs = (await c.query<RunRow>('SELECT * FROM runs WHERE experiment_id = $1 ORDER BY rid', [scope.experiment_id])).rows;
    } else {
      runs = (await c.query<RunRow>('SELECT * FROM runs WHERE run_id = $1', [scope.run_id])).rows;
      if (runs.length === 0) throw notFound(`Run with id=${scope.run_id} not found`);
      exps = (await c.query<ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = $1', [runs[0]!.experiment_id])).rows;
    }
    const docs = await runRecords(c, runs);
    await c.query('COMMIT');
    return { seq, experiments: exps.map(experimentRecord), runs: docs };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

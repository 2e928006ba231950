/**
 * The runs table's page tests' common ground: a browser and an agent with two experiments of
 * runs (a sweep with params, metrics, a running run and nested runs; another with the newest run),
 * made before a test file's tests and closed after (`useRunsPage`), and the helpers that read the
 * table. The bindings below are ES module live bindings: a test file reads them after `before`.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { post } from './mlflowHttp.js';
import { agent, usePageRig } from './pageRig.js';

export { agent, browser } from './pageRig.js';
export let sweep: string;
export let other: string;
/** Run ids by run name. */
export const ids: Record<string, string> = {};
/** The start time of the first run. */
export const T0 = 1_750_000_000_000;

/** Creates an experiment; its id. */
export async function experiment(name: string): Promise<string> {
  const r = await post<{ experiment_id: string }>(agent.url, 'experiments/create', { name });
  assert.equal(r.status, 200);
  return r.body.experiment_id;
}

/** Creates a run with params and metrics, ended unless `running`. */
export async function run(
  experimentId: string,
  name: string,
  o: { start: number; params?: Record<string, string>; metrics?: Record<string, number>; parent?: string; running?: boolean; user?: string },
): Promise<string> {
  const tags = [{ key: 'mlflow.user', value: o.user ?? 'ada' }, ...(o.parent ? [{ key: 'mlflow.parentRunId', value: o.parent }] : [])];
  const c = await post<{ run: { info: { run_id: string } } }>(agent.url, 'runs/create', { experiment_id: experimentId, run_name: name, start_time: o.start, user_id: o.user ?? 'ada', tags });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  const id = c.body.run.info.run_id;
  const b = await post(agent.url, 'runs/log-batch', {
    run_id: id,
    params: Object.entries(o.params ?? {}).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(o.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: o.start + 1000, step: 1 })),
  });
  assert.equal(b.status, 200, JSON.stringify(b.body));
  if (!o.running) await post(agent.url, 'runs/update', { run_id: id, status: 'FINISHED', end_time: o.start + 65_000 });
  return id;
}

/** Starts the browser and the agent with the runs before the file's tests, and closes them after. */
export function useRunsPage(): void {
  usePageRig(async () => {
    sweep = await experiment('sweep');
    ids.alpha = await run(sweep, 'alpha', { start: T0 + 1000, params: { lr: '0.1', opt: 'sgd' }, metrics: { loss: 0.5, acc: 0.7 } });
    ids.beta = await run(sweep, 'beta', { start: T0 + 2000, params: { lr: '0.01', opt: 'adam' }, metrics: { loss: 0.2, acc: 0.9 }, user: 'grace' });
    ids.gamma = await run(sweep, 'gamma', { start: T0 + 3000, params: { lr: '0.001', opt: 'adam' }, metrics: { loss: 0.9, acc: 0.4 }, running: true });
    ids.parent = await run(sweep, 'parent', { start: T0 + 4000, params: { lr: '0.05' } });
    ids.child1 = await run(sweep, 'child-1', { start: T0 + 5000, params: { lr: '0.05', fold: '1' }, metrics: { loss: 0.3 }, parent: ids.parent });
    ids.child2 = await run(sweep, 'child-2', { start: T0 + 6000, params: { lr: '0.05', fold: '2' }, metrics: { loss: 0.35 }, parent: ids.parent });
    // a second experiment, with the newest run: where the home page goes
    other = await experiment('other');
    ids.newest = await run(other, 'newest', { start: T0 + 9000, metrics: { loss: 1 } });
  });
}

/** The table's rows. */
export const rows = 'table.ll-runs-table tbody tr';

/** The names of the rows shown, in order. */
export function names(page: Page): Promise<string[]> {
  return page.locator(`${rows} a.ll-run-link`).allTextContents();
}

/** Waits until `n` rows are shown and nothing is loading. */
export async function waitRows(page: Page, n: number): Promise<void> {
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n && !document.querySelector('.ll-runs-view[data-loading]'), [rows, n] as const);
}

/** The cell of a run's row in a column. */
export function cell(page: Page, runId: string, col: string) {
  return page.locator(`${rows}[data-run-id="${runId}"] td[data-col="${col}"]`);
}

/** Types a filter and applies it with Enter. */
export async function applyFilter(page: Page, filter: string): Promise<void> {
  const box = page.locator('.ll-filter-input');
  await box.fill(filter);
  await box.press('Enter');
}

/** The page's URL of an experiment's runs table. */
export function expUrl(id: string, query = ''): string {
  return `${agent.url}/#/experiments/${id}${query}`;
}

/**
 * The run page's header: name and status, then experiment (a link), start, duration, user,
 * source and parent run (a link). Each fact carries `data-field` so it can be found again
 * (the duration ticks while the run is running).
 */
import type { WireRun } from '@lablog/schema';
import type { Navigator } from '../context.js';
import { formatDuration, formatTime, runDuration, runLabel, runUser } from '../format.js';
import { copyButton } from '../edit/clipboard.js';
import { actionRow } from '../edit/actionRow.js';
import type { RunActions } from './runActions.js';
import type { RunDetails } from './RunDetails.js';
import { parentRunId, sourceOf } from './runFacts.js';
import { routeLink, statusBadge } from './tables.js';

/** Fills `el` with the header of `run` (with its action buttons, when given). */
export function renderRunHeader(el: HTMLElement, run: WireRun, details: RunDetails, nav: Navigator, actions?: RunActions): void {
  const title = document.createElement('div');
  title.className = 'll-run-title';
  const h = document.createElement('h1');
  h.textContent = runLabel(run);
  h.title = run.info.run_id;
  const badge = statusBadge(run.info.status);
  badge.dataset.field = 'status';
  title.append(h, copyButton(run.info.run_id), badge);
  if (run.info.lifecycle_stage === 'deleted') {
    const d = document.createElement('span');
    d.className = 'll-status ll-status-deleted';
    d.textContent = 'deleted';
    title.append(d);
  }
  if (actions) title.append(actionBar(run, actions));

  const meta = document.createElement('dl');
  meta.className = 'll-run-meta';
  const fact = (field: string, label: string, value: Node | string): void => {
    const wrap = document.createElement('div');
    wrap.dataset.field = field;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.append(value);
    wrap.append(dt, dd);
    meta.append(wrap);
  };
  const expId = run.info.experiment_id;
  fact('experiment', 'Experiment', routeLink(nav, { view: 'runs', experimentId: expId }, details.experimentName ?? expId));
  fact('started', 'Started', formatTime(run.info.start_time) || '—');
  fact('duration', 'Duration', formatDuration(runDuration(run)) || '—');
  const user = runUser(run);
  if (user) fact('user', 'User', user);
  const source = sourceOf(run);
  if (source) fact('source', 'Source', source);
  const parent = parentRunId(run);
  if (parent) fact('parent', 'Parent run', routeLink(nav, { view: 'run', runId: parent }, details.parentName ?? parent.slice(0, 8)));
  el.replaceChildren(title, meta);
}

/** Rename, Description, Delete or Restore. */
function actionBar(run: WireRun, actions: RunActions): HTMLElement {
  return actionRow('ll-run-actions', [
    ['Rename', 'rename', () => actions.rename(run)],
    ['Description', 'describe', () => actions.describe(run)],
    run.info.lifecycle_stage === 'deleted' ? ['Restore', 'restore', () => actions.restore(run)] : ['Delete', 'delete', () => actions.delete(run)],
  ]);
}

/** Updates the duration shown in a header made by `renderRunHeader` (a running run's clock). */
export function tickDuration(el: HTMLElement, run: WireRun): void {
  const dd = el.querySelector('[data-field="duration"] dd');
  if (dd) dd.textContent = formatDuration(runDuration(run)) || '—';
}

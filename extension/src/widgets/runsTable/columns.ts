/**
 * The columns of the runs table and how each sorts: the fixed ones (name, status, start,
 * duration, user) and the chosen params and latest metrics, named `params.<key>` and
 * `metrics.<key>` as in the route's `columns` (so a bookmark keeps them).
 */
import type { WireRun } from '@lablog/schema';
import { formatAgo, formatDuration, formatNumber, formatTime, metricNumber, runDuration, runUser } from '../format.js';

/** The order the table starts with: newest runs first (MLflow's default). */
export const DEFAULT_ORDER = 'attributes.start_time DESC';

/** Sort direction of an order_by clause. */
export type SortDir = 'ASC' | 'DESC';

/** A parsed order_by clause: what it sorts on (`attributes.start_time`, ``metrics.`val-loss` ``) and which way. */
export interface SortState {
  field: string;
  dir: SortDir;
}

/** One column of the table. */
export interface Column {
  /** `name`, `status`, `start`, `duration`, `user`, or `params.<key>` / `metrics.<key>` / `tags.<key>`. */
  id: string;
  label: string;
  /** `param` / `metric` columns show their kind beside the label. */
  kind: 'attribute' | 'param' | 'metric' | 'tag';
  /** What order_by names for this column; null when the server cannot sort by it. */
  sortField: string | null;
  numeric: boolean;
  /** Fills the cell of `run` (not used for `name`, which the table draws with the tree). */
  fill(td: HTMLTableCellElement, run: WireRun, now: number): void;
}

/** An order_by key: bare when it is a plain identifier, in backticks otherwise (`metrics.\`val-loss\``). */
export function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `\`${key}\``;
}

/** Reads an order_by clause such as ``metrics.`a b` DESC``; no direction means ASC. */
export function parseOrder(orderBy: string | undefined): SortState {
  const m = /^(.*?)(?:\s+(ASC|DESC))?\s*$/i.exec((orderBy ?? DEFAULT_ORDER).trim());
  const field = m?.[1] ?? '';
  return { field, dir: (m?.[2]?.toUpperCase() as SortDir | undefined) ?? 'ASC' };
}

/** The order_by clause of a sort; the default one is written as `undefined` so URLs stay short. */
export function formatOrder(s: SortState): string | undefined {
  const clause = `${s.field} ${s.dir}`;
  return clause === DEFAULT_ORDER ? undefined : clause;
}

function text(td: HTMLTableCellElement, value: string, title?: string): void {
  td.textContent = value;
  if (title !== undefined) td.title = title;
  else td.removeAttribute('title');
}

/** The columns every table has, in order (after the selection checkbox). */
export const FIXED_COLUMNS: readonly Column[] = [
  { id: 'name', label: 'Name', kind: 'attribute', sortField: 'attributes.run_name', numeric: false, fill: () => {} },
  {
    id: 'status',
    label: 'Status',
    kind: 'attribute',
    sortField: 'attributes.status',
    numeric: false,
    fill(td, run) {
      // a deleted run (shown with "Deleted runs") says so where its status is
      const s = run.info.lifecycle_stage === 'deleted' ? 'deleted' : run.info.status;
      let badge = td.firstElementChild as HTMLSpanElement | null;
      if (!badge) {
        badge = document.createElement('span');
        td.append(badge);
      }
      badge.className = `ll-status ll-status-${s}`;
      badge.textContent = s.toLowerCase();
    },
  },
  {
    id: 'start',
    label: 'Started',
    kind: 'attribute',
    sortField: 'attributes.start_time',
    numeric: false,
    // relative (as MLflow's UI and W&B show it), the exact time on hover
    fill: (td, run, now) => text(td, formatAgo(run.info.start_time, now), formatTime(run.info.start_time)),
  },
  {
    id: 'duration',
    label: 'Duration',
    kind: 'attribute',
    sortField: null,
    numeric: true,
    fill: (td, run, now) => text(td, formatDuration(runDuration(run, now))),
  },
  { id: 'user', label: 'User', kind: 'attribute', sortField: 'attributes.user_id', numeric: false, fill: (td, run) => text(td, runUser(run)) },
];

/** The column of a chosen param, metric or tag (`params.lr`, `metrics.loss`, `tags.team`); null for any other id. */
export function dataColumn(id: string): Column | null {
  if (id.startsWith('metrics.') && id.length > 8) {
    const key = id.slice(8);
    return {
      id,
      label: key,
      kind: 'metric',
      sortField: `metrics.${quoteKey(key)}`,
      numeric: true,
      fill(td, run) {
        const m = run.data.metrics?.find((x) => x.key === key);
        if (!m) return text(td, '');
        text(td, formatNumber(metricNumber(m.value)), `${key} = ${m.value} (step ${m.step})`);
      },
    };
  }
  if (id.startsWith('params.') && id.length > 7) {
    const key = id.slice(7);
    return {
      id,
      label: key,
      kind: 'param',
      sortField: `params.${quoteKey(key)}`,
      numeric: false,
      fill(td, run) {
        const v = run.data.params?.find((x) => x.key === key)?.value;
        text(td, v ?? '', v);
      },
    };
  }
  if (id.startsWith('tags.') && id.length > 5) {
    const key = id.slice(5);
    return {
      id,
      label: key,
      kind: 'tag',
      sortField: `tags.${quoteKey(key)}`,
      numeric: false,
      fill(td, run) {
        const v = run.data.tags?.find((x) => x.key === key)?.value;
        text(td, v ?? '', v);
      },
    };
  }
  return null;
}

/** How many params and metrics the table shows before the user chooses. */
const DEFAULT_PARAMS = 3;
const DEFAULT_METRICS = 4;

/**
 * The columns shown until the user picks some: the first few params and metrics met so far.
 * Keys are only ever appended (up to the limits), so columns never jump while runs stream in.
 * @param current the default columns so far (extended in place)
 * @param params param keys met, in the order met
 * @param metrics metric keys met, in the order met
 */
export function extendDefaultColumns(current: string[], params: Iterable<string>, metrics: Iterable<string>): void {
  const add = (prefix: string, keys: Iterable<string>, limit: number): void => {
    let n = current.filter((c) => c.startsWith(prefix)).length;
    for (const k of keys) {
      if (n >= limit) return;
      const id = prefix + k;
      if (!current.includes(id)) {
        current.push(id);
        n++;
      }
    }
  };
  add('params.', params, DEFAULT_PARAMS);
  add('metrics.', metrics, DEFAULT_METRICS);
}

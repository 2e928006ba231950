/**
 * What a viewer can show, as data: the page turns a route into a URL (`#/runs/<id>`) so every
 * view can be bookmarked and shared; the JupyterLab panel keeps it in memory. Widgets never
 * touch `location` themselves: they ask their `Navigator`.
 */
import { PAGE_SIZE, PAGE_SIZES } from './runsTable/Pager.js';

/** One view and its state. */
export type Route =
  | { view: 'runs'; experimentId?: string; filter?: string; orderBy?: string; columns?: string[]; show?: RunsShown; /** Which page of the results (0 = the first; not in the route when it is the first). */ page?: number; parallel?: true; size?: number }
  | { view: 'run'; runId: string; tab?: RunTab; artifact?: string; chart?: ChartView; find?: string }
  | { view: 'compare'; runIds: string[]; chart?: ChartView; diffOnly?: boolean; back?: RunsRoute }
  | { view: 'models' }
  | { view: 'model'; name: string; version?: string };

/** An experiment's runs table, as a route. */
export type RunsRoute = Extract<Route, { view: 'runs' }>;

/** How a chart grid draws, where it differs from the defaults (x by step, linear, no smoothing, all metrics). */
export interface ChartView {
  x?: 'time';
  log?: true;
  /** EMA weight in (0, 0.99]. */
  smooth?: number;
  /** The filter on metric names. */
  metrics?: string;
}

/** Which runs an experiment's table lists besides the active ones (MLflow's view types). */
export type RunsShown = 'deleted' | 'all';

/** Tabs of the run page. */
export type RunTab = 'overview' | 'charts' | 'system' | 'figures' | 'logs' | 'artifacts';

const RUN_TABS: readonly RunTab[] = ['overview', 'charts', 'system', 'figures', 'logs', 'artifacts'];

/** Turns a route into a URL hash (`#/...`). */
export function formatRoute(r: Route): string {
  const q = new URLSearchParams();
  let path: string;
  switch (r.view) {
    case 'runs':
      path = r.experimentId === undefined ? '/' : `/experiments/${enc(r.experimentId)}`;
      if (r.filter) q.set('filter', r.filter);
      if (r.orderBy) q.set('order', r.orderBy);
      if (r.columns?.length) q.set('cols', r.columns.join(','));
      if (r.show) q.set('show', r.show);
      if (r.parallel) q.set('pc', '1');
      if (r.size) q.set('size', String(r.size));
      if (r.page) q.set('page', String(r.page + 1));
      break;
    case 'run':
      path = `/runs/${enc(r.runId)}`;
      if (r.tab && r.tab !== 'overview') q.set('tab', r.tab);
      if (r.artifact) q.set('artifact', r.artifact);
      setChartView(q, r.chart);
      if (r.find) q.set('find', r.find);
      break;
    case 'compare':
      path = '/compare';
      q.set('runs', r.runIds.join(','));
      setChartView(q, r.chart);
      if (r.diffOnly) q.set('diff', '1');
      // the table the comparison came from, so "← Runs" goes back to it as it was
      if (r.back) q.set('back', formatRoute(r.back).slice(1));
      break;
    case 'models':
      path = '/models';
      break;
    case 'model':
      path = `/models/${enc(r.name)}`;
      if (r.version) q.set('version', r.version);
      break;
  }
  // commas separate ids and column names: keep them readable in shared links
  const qs = q.toString().replace(/%2C/gi, ',');
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/** Reads a URL hash back into a route; anything unknown is the home view. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const qi = raw.indexOf('?');
  const path = qi < 0 ? raw : raw.slice(0, qi);
  const q = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
  const parts = path.split('/').filter(Boolean).map(dec);
  const opt = (k: string): string | undefined => q.get(k) || undefined;
  if (parts[0] === 'experiments' && parts[1] !== undefined) {
    const columns = opt('cols')?.split(',').filter(Boolean);
    const show = opt('show');
    const pageNo = Number(opt('page'));
    const page = Number.isInteger(pageNo) && pageNo > 1 ? pageNo - 1 : undefined;
    return { view: 'runs', experimentId: parts[1], ...optional({ filter: opt('filter'), orderBy: opt('order'), columns, show: show === 'deleted' || show === 'all' ? show : undefined, page, parallel: opt('pc') === '1' ? (true as const) : undefined, size: pageSizeOf(opt('size')) }) };
  }
  if (parts[0] === 'runs' && parts[1] !== undefined) {
    const tab = opt('tab') as RunTab | undefined;
    return { view: 'run', runId: parts[1], ...optional({ tab: tab && RUN_TABS.includes(tab) ? tab : undefined, artifact: opt('artifact'), chart: chartView(q), find: opt('find') }) };
  }
  if (parts[0] === 'compare') {
    const backText = opt('back');
    const back = backText === undefined ? undefined : parseRoute(`#${backText}`);
    return {
      view: 'compare',
      runIds: (opt('runs') ?? '').split(',').filter(Boolean),
      ...optional({ chart: chartView(q), diffOnly: opt('diff') === '1' ? true : undefined, back: back?.view === 'runs' && back.experimentId !== undefined ? back : undefined }),
    };
  }
  if (parts[0] === 'models' && parts[1] !== undefined) return { view: 'model', name: parts[1], ...optional({ version: opt('version') }) };
  if (parts[0] === 'models') return { view: 'models' };
  return { view: 'runs' };
}

/** A page size from the URL: one of those offered (anything else is the default). */
function pageSizeOf(text: string | undefined): number | undefined {
  const n = Number(text);
  return (PAGE_SIZES as readonly number[]).includes(n) && n !== PAGE_SIZE ? n : undefined;
}

/** Puts a chart view into the query (only what differs from the defaults). */
function setChartView(q: URLSearchParams, v: ChartView | undefined): void {
  if (!v) return;
  if (v.x) q.set('x', v.x);
  if (v.log) q.set('log', '1');
  if (v.smooth) q.set('smooth', String(v.smooth));
  if (v.metrics) q.set('metrics', v.metrics);
}

/** The chart view of a query; undefined when it has none. */
function chartView(q: URLSearchParams): ChartView | undefined {
  const smooth = Number(q.get('smooth'));
  const v: ChartView = optional({
    x: q.get('x') === 'time' ? ('time' as const) : undefined,
    log: q.get('log') === '1' ? (true as const) : undefined,
    smooth: smooth > 0 && smooth <= 0.99 ? smooth : undefined,
    metrics: q.get('metrics') || undefined,
  });
  return Object.keys(v).length ? v : undefined;
}

function optional<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function dec(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

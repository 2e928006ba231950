/**
 * The page of runs the table shows, as data: the runs in the server's order, the param and
 * metric keys met so far (for the column chooser and the default columns), and how a batch of
 * live changes alters them — or why the page has to be read again.
 */
import { applyLiveEvent, runFromEvent, type WatchEvent } from '@lablog/client';
import type { WireExperiment, WireRun } from '@lablog/schema';
import { tagOf } from '../format.js';
import { extendDefaultColumns } from './columns.js';
import { PARENT_TAG } from './runTree.js';

/** What a batch of live changes did to the page. */
export interface LiveOutcome {
  /** Runs were added or moved in the tree: draw the rows again. */
  rebuild: boolean;
  /**
   * The page may no longer be what the server would give: read it again — `soon` after a run
   * was added or changed state, `later` after values of runs not shown changed (they may now
   * match the filter or sort onto this page; waiting longer keeps a busy experiment from
   * reading the page again and again).
   */
  requery: 'no' | 'soon' | 'later';
  /** Runs whose cells changed. */
  touched: Set<string>;
  /** New param or metric keys were met. */
  newKeys: boolean;
  /** The default columns grew. */
  columnsGrew: boolean;
  /** The experiment was renamed (or otherwise changed). */
  experiment: WireExperiment | null;
}

/** The run attributes MLflow's filter grammar takes, offered by the filter box. */
const RUN_ATTRIBUTES = ['run_name', 'status', 'start_time', 'end_time', 'user_id', 'run_id', 'artifact_uri'];

/** One page of an experiment's runs. */
export class RunsPage {
  /** The runs, in the server's order (new live runs at the top). */
  runs: WireRun[] = [];
  /** Param and metric keys met, in the order met. */
  readonly params = new Set<string>();
  readonly metrics = new Set<string>();
  private readonly byId = new Map<string, WireRun>();
  private autoColumns: string[] = [];

  /**
   * @param showsDeleted whether the table lists deleted runs (then a run deleted elsewhere comes onto it)
   * @param pageSize runs per page
   */
  constructor(
    private readonly experimentId: string,
    private readonly showsDeleted = false,
    private readonly pageSize = 100,
  ) {}

  /** The columns shown until the user chooses: a few params, then a few metrics. */
  get defaultColumns(): string[] {
    return [...this.autoColumns.filter((c) => c.startsWith('params.')), ...this.autoColumns.filter((c) => c.startsWith('metrics.'))];
  }

  /** Replaces the runs with a page just read. */
  set(runs: WireRun[]): void {
    this.runs = runs;
    this.byId.clear();
    for (const r of runs) this.byId.set(r.info.run_id, r);
    this.learnKeys(runs);
  }

  /** Notes the param and metric keys of runs: whether any was new, and whether the default columns grew. */
  private learnKeys(runs: Iterable<WireRun>): { newKeys: boolean; columnsGrew: boolean } {
    const newParams: string[] = [];
    const newMetrics: string[] = [];
    for (const r of runs) {
      for (const p of r.data.params ?? []) if (!this.params.has(p.key)) this.params.add(p.key), newParams.push(p.key);
      for (const m of r.data.metrics ?? []) if (!this.metrics.has(m.key)) this.metrics.add(m.key), newMetrics.push(m.key);
    }
    if (!newParams.length && !newMetrics.length) return { newKeys: false, columnsGrew: false };
    const before = this.autoColumns.length;
    extendDefaultColumns(this.autoColumns, newParams.sort(), newMetrics.sort());
    return { newKeys: true, columnsGrew: this.autoColumns.length !== before };
  }

  /** Tag keys of the runs on the page, sorted; MLflow's own (`mlflow.*`) only with `system`. */
  tagKeys(system: boolean): string[] {
    const tags = new Set<string>();
    for (const r of this.runs) for (const t of r.data.tags ?? []) if (system || !t.key.startsWith('mlflow.')) tags.add(t.key);
    return [...tags].sort();
  }

  /** The names a filter box completes: the keys of the runs read so far, then MLflow's run attributes. */
  filterKeys(): string[] {
    return [
      ...[...this.metrics].sort().map((k) => `metrics.${k}`),
      ...[...this.params].sort().map((k) => `params.${k}`),
      ...this.tagKeys(true).map((k) => `tags.${k}`),
      ...RUN_ATTRIBUTES.map((a) => `attributes.${a}`),
    ];
  }

  /** A run on the page, by id. */
  byRunId(id: string): WireRun | undefined {
    return this.byId.get(id);
  }

  /**
   * Applies a batch of live changes.
   * @param insertsLive whether a new run goes straight to the top (first page, newest first, no filter);
   *   otherwise a run not on the page makes it read again
   */
  apply(batch: readonly WatchEvent[], insertsLive: boolean): LiveOutcome {
    const out: LiveOutcome = { rebuild: false, requery: 'no', touched: new Set(), newKeys: false, columnsGrew: false, experiment: null };
    const learned = new Set<WireRun>();
    for (const ev of batch) {
      if (ev.kind === 'gap') out.requery = 'soon';
      if (ev.kind === 'experiment' && ev.experiment.experiment_id === this.experimentId) out.experiment = ev.experiment;
      if (!('run_id' in ev)) continue;
      const run = this.byId.get(ev.run_id);
      if (run) {
        // deleted or restored: whether it belongs on this page is the search's to say
        if (ev.kind === 'run' && ev.info.lifecycle_stage !== run.info.lifecycle_stage) {
          out.requery = 'soon';
          continue;
        }
        const next = applyLiveEvent(run, ev);
        if (next === run) continue;
        this.replace(run, next);
        if (tagOf(next, PARENT_TAG) !== tagOf(run, PARENT_TAG)) out.rebuild = true;
        if (ev.kind === 'params' || ev.kind === 'metrics') learned.add(next);
        out.touched.add(ev.run_id);
      } else if (ev.kind === 'run' && ev.info.lifecycle_stage !== 'active' && this.showsDeleted) {
        out.requery = 'soon';
      } else if (ev.kind === 'run' && ev.info.lifecycle_stage === 'active') {
        const place = insertsLive ? this.placeNew(ev.info.start_time) : 'read';
        if (place === 'top') {
          const added = runFromEvent(ev);
          this.runs.unshift(added);
          this.byId.set(ev.run_id, added);
          out.rebuild = true;
          // the page overflowed: read it again so the pager learns of the next page
          if (this.runs.length > this.pageSize) out.requery = 'soon';
        } else if (place === 'read') out.requery = 'soon';
      } else if (!insertsLive && out.requery === 'no' && (ev.kind === 'metrics' || ev.kind === 'params' || ev.kind === 'tags')) {
        out.requery = 'later';
      }
      // on the first newest-first page without filter, values of runs not shown change nothing here
    }
    const keys = this.learnKeys(learned);
    out.newKeys = keys.newKeys;
    out.columnsGrew = keys.columnsGrew;
    return out;
  }

  /** Puts `next` where `run` was (the page holds runs as `runs/get` returns them: never edited in place). */
  private replace(run: WireRun, next: WireRun): void {
    const i = this.runs.indexOf(run);
    if (i >= 0) this.runs[i] = next;
    this.byId.set(next.info.run_id, next);
  }

  /** Where a run not on this first newest-first page belongs: the top, somewhere on it (read again), or a later page. */
  private placeNew(start: number): 'top' | 'read' | 'later' {
    const first = this.runs[0];
    const last = this.runs[this.runs.length - 1];
    if (!first || start >= first.info.start_time) return 'top';
    if (this.runs.length < this.pageSize || (last && start >= last.info.start_time)) return 'read';
    return 'later';
  }
}

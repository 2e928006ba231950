/**
 * The state of a comparison: the runs asked for (in the route's order), each read once with
 * `runs/get` — or the reason it could not be — and then kept current by watching it live.
 */
import { applyLiveEvent, type Watcher } from '@lablog/client';
import type { WireRun } from '@lablog/schema';
import { Signal, type ISignal } from '@lumino/signaling';
import type { ViewerContext } from '../context.js';

/** One run asked for. */
export interface RunSlot {
  readonly id: string;
  /** The run as last seen; null while loading or when it could not be read. */
  run: WireRun | null;
  /** Why the run could not be read (the agent's message). */
  error: string | null;
}

/** Runs read by one search (MLflow's IN lists take up to 100 ids here). */
const SEARCH_BATCH = 100;

/** A run being compared, with the colour it has everywhere in the view. */
export interface ComparedRun {
  id: string;
  run: WireRun;
  /** Index of its series colour, `--ll-series-<colour>`: its place among the runs compared, modulo 10. */
  colour: number;
}

/** Loads, watches and holds the runs of a comparison. */
export class CompareModel {
  private slotList: RunSlot[] = [];
  private readonly watchers = new Map<string, Watcher>();
  private readonly changedSignal = new Signal<this, void>(this);
  private disposed = false;

  constructor(private readonly ctx: ViewerContext) {}

  /** Emits whenever a run loads, fails, or changes live. */
  get changed(): ISignal<this, void> {
    return this.changedSignal;
  }

  /** Every run asked for, in order (duplicates removed). */
  get slots(): readonly RunSlot[] {
    return this.slotList;
  }

  /** Whether runs are still being read. */
  get loading(): boolean {
    return this.slotList.some((s) => !s.run && !s.error);
  }

  /** The runs that could be read, in order, with their colours. */
  get compared(): ComparedRun[] {
    return this.slotList.flatMap((s) => (s.run ? [{ id: s.id, run: s.run }] : [])).map((r, i) => ({ ...r, colour: i }));
  }

  /**
   * Compares these runs: keeps what is already loaded, reads the new ones, stops watching the
   * ones left out. Resolves once every new run has loaded or failed.
   */
  async setRunIds(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)];
    const known = new Map(this.slotList.map((s) => [s.id, s]));
    this.slotList = wanted.map((id) => known.get(id) ?? { id, run: null, error: null });
    for (const [id, w] of this.watchers) {
      if (!wanted.includes(id)) {
        void w.return();
        this.watchers.delete(id);
      }
    }
    this.changedSignal.emit();
    const fresh = this.slotList.filter((s) => !s.run && !s.error);
    await this.readRuns(fresh);
    for (const s of fresh) if (s.run && !this.disposed && this.slotList.includes(s)) this.watch(s);
    if (!this.disposed && fresh.length) this.changedSignal.emit();
  }

  /**
   * Reads the runs of `slots`: the first by id, then the others of its experiment in one search
   * per 100 (`attributes.run_id IN (…)`) — a sweep of 100 runs is 2 requests, not 100 — and any
   * left (runs of other experiments) by id.
   */
  private async readRuns(slots: RunSlot[]): Promise<void> {
    const [first, ...rest] = slots;
    if (!first) return;
    await this.readOne(first);
    const experimentId = first.run?.info.experiment_id;
    if (experimentId !== undefined && rest.length) {
      const byId = new Map(rest.map((s) => [s.id, s]));
      for (let i = 0; i < rest.length; i += SEARCH_BATCH) {
        const ids = rest.slice(i, i + SEARCH_BATCH).map((s) => `'${s.id.replaceAll("'", "''")}'`);
        try {
          const page = await this.ctx.query.searchRuns({ experimentIds: [experimentId], filter: `attributes.run_id IN (${ids.join(', ')})`, viewType: 'ALL', maxResults: SEARCH_BATCH });
          for (const run of page.items) {
            const slot = byId.get(run.info.run_id);
            if (slot) slot.run = run;
          }
        } catch {
          // a server that cannot search by id: each run is read by itself below
        }
      }
    }
    await Promise.all(rest.filter((s) => !s.run).map((s) => this.readOne(s)));
  }

  private async readOne(slot: RunSlot): Promise<void> {
    try {
      slot.run = await this.ctx.query.getRun(slot.id);
    } catch (err) {
      slot.error = (err as Error).message;
    }
  }

  private watch(slot: RunSlot): void {
    if (this.watchers.has(slot.id)) return;
    // with a snapshot: the run's state at the subscription, then every change after it — no gap
    // between the `runs/get` above and the first live event
    const w = this.ctx.lablog.watch({ run: slot.id });
    this.watchers.set(slot.id, w);
    void (async () => {
      try {
        for await (const ev of w) {
          if (!slot.run) break;
          if (ev.kind === 'snapshot') slot.run = ev.runs.find((r) => r.info.run_id === slot.id) ?? slot.run;
          else if (ev.kind === 'gap') continue;
          else slot.run = applyLiveEvent(slot.run, ev);
          this.changedSignal.emit();
        }
      } catch {
        // no live channel (a plain MLflow server): the comparison stays as it was read
      }
    })();
  }

  /** Stops every watcher. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.watchers.values()) void w.return();
    this.watchers.clear();
    Signal.clearData(this);
  }
}

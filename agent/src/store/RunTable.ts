/**
 * The runs of a store in memory: every run by id, and the runs of each experiment. Run
 * documents are all read when the store opens (search and the live channel need them);
 * metric logs are only opened when touched.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroupCommitter } from './GroupCommitter.js';
import type { RunDoc } from './records.js';
import { StoredRun } from './StoredRun.js';

/** The runs of a store, indexed. */
export class RunTable {
  private readonly byId = new Map<string, StoredRun>();
  // an array per experiment, not a set of ids: a search of a 100k-run experiment walked the set
  // and looked each id up (~10 ms a request); runs are never removed, only replaced
  private readonly byExperiment = new Map<string, StoredRun[]>();
  /** Changes per experiment: runs added, documents changed. */
  private readonly changes = new Map<string, number>();

  /**
   * Reads every run document under `runsDir`. Synchronous reads on purpose: nothing is served
   * yet, and a tight readFileSync loop reads 10 000 small files about three times faster than
   * the thread pool does.
   * Each run's metric log is reconciled with its summary (crash recovery runs on every open).
   */
  static async load(runsDir: string, committer: GroupCommitter): Promise<RunTable> {
    const table = new RunTable();
    for (const id of readdirSync(runsDir)) {
      const dir = join(runsDir, id);
      let text: string;
      try {
        text = readFileSync(join(dir, 'run.json'), 'utf8');
      } catch {
        continue; // a folder without a document (a crash during create) is not a run
      }
      table.add(await StoredRun.load(dir, text, committer));
    }
    return table;
  }

  /** Adds (or replaces) a run. */
  add(run: StoredRun): void {
    const { run_id, experiment_id } = run.doc.info;
    const before = this.byId.get(run_id);
    this.byId.set(run_id, run);
    let list = this.byExperiment.get(experiment_id);
    if (before) {
      const from = before.doc.info.experiment_id;
      const old = this.byExperiment.get(from)!;
      // the same experiment: in the same place, as before
      if (from === experiment_id) old[old.indexOf(before)] = run;
      else old.splice(old.indexOf(before), 1);
      this.changed(from, before);
    }
    if (before?.doc.info.experiment_id !== experiment_id) {
      if (!list) this.byExperiment.set(experiment_id, (list = []));
      list.push(run);
    }
    this.unfollow.get(run_id)?.();
    this.unfollow.set(run_id, run.onChange(() => this.changed(experiment_id, run)));
    this.changed(experiment_id, run);
  }

  /** Per run id, what stops following the run held (a replaced run is no longer followed). */
  private readonly unfollow = new Map<string, () => void>();

  /** Told of every change (see `watch`). */
  private readonly watchers = new Set<(experimentId: string, run: StoredRun) => void>();

  /**
   * Tells `watcher`, synchronously, of every run added, replaced (the run replaced, then the new
   * one) or whose document changed, as the change becomes visible — with `version`, what a kept
   * search order needs to follow the runs without sorting them all again.
   * @returns the function that stops telling it
   */
  watch(watcher: (experimentId: string, run: StoredRun) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private changed(experimentId: string, run: StoredRun): void {
    this.changes.set(experimentId, (this.changes.get(experimentId) ?? 0) + 1);
    for (const w of this.watchers) w(experimentId, run);
  }

  /** Whether `run` is the table's run of its id (not one since replaced). */
  holds(run: StoredRun): boolean {
    return this.byId.get(run.doc.info.run_id) === run;
  }

  /**
   * A number that moves each time a run of the experiment is added or its document changes (at
   * the moment the change becomes visible, before the change feed announces it): what is derived
   * from the experiment's runs holds while it stays the same.
   */
  version(experimentId: string): number {
    return this.changes.get(experimentId) ?? 0;
  }

  /** The run with this id, or undefined. */
  get(runId: string): StoredRun | undefined {
    return this.byId.get(runId);
  }

  /** Every run. */
  all(): IterableIterator<StoredRun> {
    return this.byId.values();
  }

  /** The runs of one experiment, in the order they were added; the table's own array: do not modify. */
  ofExperiment(experimentId: string): readonly StoredRun[] {
    return this.byExperiment.get(experimentId) ?? [];
  }

  /** The documents of the runs of the given experiments (all runs when the list is empty). */
  docsOf(experimentIds: readonly string[]): RunDoc[] {
    const out: RunDoc[] = [];
    if (experimentIds.length === 0) {
      for (const r of this.byId.values()) out.push(r.doc);
      return out;
    }
    for (const id of new Set(experimentIds)) {
      const list = this.byExperiment.get(id);
      if (list) for (let i = 0; i < list.length; i++) out.push(list[i]!.doc);
    }
    return out;
  }
}

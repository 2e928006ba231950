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
  private readonly byExperiment = new Map<string, Set<string>>();

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
    this.byId.set(run_id, run);
    let set = this.byExperiment.get(experiment_id);
    if (!set) this.byExperiment.set(experiment_id, (set = new Set()));
    set.add(run_id);
  }

  /** The run with this id, or undefined. */
  get(runId: string): StoredRun | undefined {
    return this.byId.get(runId);
  }

  /** Every run. */
  all(): IterableIterator<StoredRun> {
    return this.byId.values();
  }

  /** The documents of the runs of the given experiments (all runs when the list is empty). */
  docsOf(experimentIds: readonly string[]): RunDoc[] {
    const out: RunDoc[] = [];
    if (experimentIds.length === 0) {
      for (const r of this.byId.values()) out.push(r.doc);
      return out;
    }
    for (const id of new Set(experimentIds)) {
      for (const runId of this.byExperiment.get(id) ?? []) out.push(this.byId.get(runId)!.doc);
    }
    return out;
  }
}

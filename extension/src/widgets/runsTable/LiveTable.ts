/**
 * Live changes applied to a runs table: each batch is applied to the page of runs (RunsPage) and
 * what it did is drawn — the cells of the runs that changed, the rows again when runs were added
 * or moved in the tree, the whole table when the default columns grew — or, when the page may no
 * longer be what the server would answer, one read is gathered for a while (ReadAgain). While a
 * read is under way, batches wait for it and are applied to what it found.
 */
import type { WatchEvent } from '@lablog/client';
import type { WireExperiment } from '@lablog/schema';
import { ReadAgain } from './ReadAgain.js';
import type { RunsPage } from './RunsPage.js';

/** How long live changes that need a new read are gathered before it (ms): a run added or changed… */
const REQUERY_DELAY = 400;
/** …values of runs not shown (which a filter or sort may bring onto the page). */
const REQUERY_LATER = 2000;

/** What the table's view does for live changes. */
export interface LiveTableView {
  /** The page shown; null when no experiment is. */
  page(): RunsPage | null;
  /** Whether a read of the page is under way. */
  loading(): boolean;
  /** Whether a new run goes straight to the top (first page, newest first, no filter). */
  insertsLive(): boolean;
  /** The experiment shown was renamed (or otherwise changed). */
  experimentChanged(experiment: WireExperiment): void;
  /** The default columns grew: draws the whole table when it shows them; false when it shows chosen columns. */
  columnsGrew(): boolean;
  /** Draws the rows again (runs added, or moved in the tree). */
  drawRows(): void;
  /** Draws the cells of these runs again. */
  drawRuns(runIds: ReadonlySet<string>): void;
  /** The page now shows `shown` runs (the pager's range and total). */
  recount(shown: number): void;
  /** New param or metric keys were met (the column chooser). */
  keysGrew(): void;
  /** Reads the page again. */
  read(): void;
}

/** Applies live batches to one view's table. */
export class LiveTable {
  private pending: WatchEvent[] = [];
  private readonly readAgain: ReadAgain;

  constructor(private readonly view: LiveTableView) {
    this.readAgain = new ReadAgain(() => view.read());
  }

  /** Applies a batch of live changes now, or once the read under way is done. */
  apply(batch: readonly WatchEvent[]): void {
    const page = this.view.page();
    if (!page) return;
    if (this.view.loading()) {
      this.pending.push(...batch);
      return;
    }
    const out = page.apply(batch, this.view.insertsLive());
    if (out.experiment) this.view.experimentChanged(out.experiment);
    if (!(out.columnsGrew && this.view.columnsGrew())) {
      if (out.rebuild) this.view.drawRows();
      else this.view.drawRuns(out.touched);
    }
    if (out.rebuild) this.view.recount(page.runs.length);
    if (out.newKeys) this.view.keysGrew();
    if (out.requery !== 'no') this.readAgain.in(out.requery === 'soon' ? REQUERY_DELAY : REQUERY_LATER);
  }

  /** A read is starting: it answers the read gathered so far. */
  reading(): void {
    this.readAgain.cancel();
  }

  /** The read is done: the batches that came meanwhile are applied to what it found. */
  read(): void {
    const pending = this.pending;
    this.pending = [];
    if (pending.length) this.apply(pending);
  }

  /** Forgets waiting batches and the gathered read (another experiment, or the view closed). */
  reset(): void {
    this.pending = [];
    this.readAgain.cancel();
  }
}

/**
 * The runs view's parallel-coordinates panel: opened and closed with the route, placed above the
 * table, and drawn from the runs the table's last search found (its filter), without reading the
 * page again. A brush is a filter: its clauses go to the view, which joins them to the table's.
 */
import type { Queries, ViewType } from '@lablog/client';
import { RunsParallel } from './RunsParallel.js';

/** Where the panel's runs come from, but for the filter (the last search's). */
export interface ParallelPlace {
  experimentId: string;
  viewType: ViewType;
}

/** The panel, while open, and its toggle's state. */
export class ParallelPanel {
  private panel: RunsParallel | null = null;
  /** The filter the last search ran with (plain words read as a name search). */
  private filter: string | undefined;

  /**
   * @param toggle the toolbar button that opens and closes it (its `aria-pressed` is kept here)
   * @param insert puts the panel's node in the view
   * @param brushed called with the filter clauses of the brushes
   */
  constructor(
    private readonly query: Queries,
    private readonly toggle: HTMLElement,
    private readonly insert: (node: HTMLElement) => void,
    private readonly brushed: (clauses: string[]) => void,
  ) {}

  /**
   * Opens or closes the panel.
   * @param read where to read its runs now (it was just opened onto an experiment), or null
   */
  show(on: boolean, read: ParallelPlace | null): void {
    this.toggle.setAttribute('aria-pressed', String(on));
    if (!on) return this.dispose();
    if (!this.panel) {
      this.panel = new RunsParallel(this.query, this.brushed);
      this.insert(this.panel.node);
    }
    if (read) this.read(read);
  }

  /** The table searched with `filter`: the panel, when open, draws the runs it found. */
  searched(filter: string | undefined, place: ParallelPlace): void {
    this.filter = filter;
    this.read(place);
  }

  private read(place: ParallelPlace): void {
    void this.panel?.read({ ...place, filter: this.filter });
  }

  /** Closes the panel. Idempotent. */
  dispose(): void {
    this.panel?.dispose();
    this.panel = null;
  }
}

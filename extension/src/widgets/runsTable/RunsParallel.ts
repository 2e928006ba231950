/**
 * The runs table's parallel coordinates: every run the filter matches (up to `MAX_RUNS`, not just
 * the page shown), one line each. Brushing a range on an axis writes it into the table's filter
 * (`metrics.loss >= 0.1 and metrics.loss <= 0.3`, `params.opt = 'adam'`), so the table, the
 * URL and this view all narrow to it; what MLflow's grammar cannot say (a range of a param,
 * which is a string, or several of its values) is said instead.
 */
import type { Queries, ViewType } from '@lablog/client';
import { Widget } from '@lumino/widgets';
import type { AxisBrush } from '../compare/ParallelCoordinates.js';
import { ParallelCoordinates } from '../compare/ParallelCoordinates.js';
import { quoteKey } from './columns.js';

/** Runs drawn at most. */
export const MAX_RUNS = 1000;

/** What the view reads. */
export interface ParallelScope {
  experimentId: string;
  /** The filter the search runs with (as the table's). */
  filter: string | undefined;
  viewType: ViewType;
}

/** The filter clauses of brushes, and what they could not say. */
export function brushClauses(brushes: readonly AxisBrush[]): { clauses: string[]; unsaid: string[] } {
  const clauses: string[] = [];
  const unsaid: string[] = [];
  for (const b of brushes) {
    const ident = `${b.section}.${quoteKey(b.key)}`;
    if (b.section === 'metrics' && b.min !== undefined && b.max !== undefined) {
      clauses.push(`${ident} >= ${round(b.min, 'down')}`, `${ident} <= ${round(b.max, 'up')}`);
    } else if (b.values && b.values.length === 1 && !b.values[0]!.includes("'")) {
      clauses.push(`${ident} = '${b.values[0]}'`);
    } else {
      unsaid.push(`${b.id}: params are strings, so MLflow's filter can match one value of them, not a range or several`);
    }
  }
  return { clauses, unsaid };
}

/** Four significant digits, rounded outwards so the runs brushed stay inside. */
function round(v: number, dir: 'up' | 'down'): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const p = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 3);
  return String(Number(((dir === 'up' ? Math.ceil(v / p) : Math.floor(v / p)) * p).toPrecision(6)));
}

/** The parallel-coordinates panel of the runs table. */
export class RunsParallel extends Widget {
  private readonly view: ParallelCoordinates;
  private readonly note = document.createElement('div');
  private ticket = 0;

  /** @param addClauses called with the clauses a brush stands for (the table adds them to its filter) */
  constructor(
    private readonly query: Queries,
    addClauses: (clauses: string[]) => void,
  ) {
    super();
    this.addClass('ll-runs-parallel');
    this.note.className = 'll-muted ll-runs-parallel-note';
    this.view = new ParallelCoordinates({
      brushed: (brushes) => {
        const { clauses, unsaid } = brushClauses(brushes);
        this.note.textContent = unsaid.join(' · ');
        if (clauses.length) addClauses(clauses);
      },
    });
    this.view.node.classList.add('ll-runs-parallel-view');
    this.node.append(this.view.node, this.note);
  }

  /** Reads the runs of `scope` and draws them. */
  async read(scope: ParallelScope): Promise<void> {
    const ticket = ++this.ticket;
    try {
      const page = await this.query.searchRuns({ experimentIds: [scope.experimentId], ...(scope.filter ? { filter: scope.filter } : {}), viewType: scope.viewType, maxResults: MAX_RUNS, orderBy: ['attributes.start_time DESC'] });
      if (ticket !== this.ticket || this.isDisposed) return;
      this.view.setRuns(page.items.map((run, i) => ({ id: run.info.run_id, run, colour: i })));
      this.note.textContent = page.nextPageToken ? `The first ${MAX_RUNS} runs the filter matches.` : '';
    } catch (err) {
      if (ticket !== this.ticket || this.isDisposed) return;
      this.note.textContent = (err as Error).message;
    }
  }

  override dispose(): void {
    this.ticket++;
    this.view.dispose();
    this.node.remove();
    super.dispose();
  }
}

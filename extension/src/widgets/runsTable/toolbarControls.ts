/**
 * The plain controls of the runs table's toolbar: which runs to list (MLflow's view types), the
 * parallel-coordinates toggle, and the Compare button that follows the selection.
 */
import type { RunsShown } from '../routes.js';
import { el } from '../previews/dom.js';

/** The "Active / Deleted / All runs" choice; `changed` gets the route's `show` (undefined: active only). */
export function shownSelect(changed: (show: RunsShown | undefined) => void): HTMLSelectElement {
  const select = el('select', 'll-input ll-runs-shown');
  for (const [value, label] of [
    ['', 'Active runs'],
    ['deleted', 'Deleted runs'],
    ['all', 'All runs'],
  ]) select.append(Object.assign(document.createElement('option'), { value, textContent: label }));
  select.setAttribute('aria-label', 'Which runs to list');
  select.addEventListener('change', () => changed(select.value === 'deleted' || select.value === 'all' ? select.value : undefined));
  return select;
}

/** MLflow's view type of the route's `show`: the runs a search of the table lists. */
export function viewTypeOf(show: RunsShown | undefined): 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' {
  return show === 'deleted' ? 'DELETED_ONLY' : show === 'all' ? 'ALL' : 'ACTIVE_ONLY';
}

/** The button that opens or closes the parallel coordinates of every run the filter matches. */
export function parallelToggle(clicked: () => void): HTMLButtonElement {
  const b = el('button', 'll-button ll-parallel-toggle', 'Parallel coordinates');
  b.type = 'button';
  b.title = 'Every run the filter matches as a line across its params and metrics; drag along an axis to filter';
  b.addEventListener('click', clicked);
  return b;
}

/** "Compare N runs": enabled from two selected runs. */
export class CompareButton {
  readonly node = el('button', 'll-button ll-primary ll-compare');

  /** @param open called with a click while two or more runs are selected */
  constructor(open: () => void) {
    this.node.type = 'button';
    this.node.addEventListener('click', open);
    this.show(0);
  }

  /** Follows the number of runs selected. */
  show(selected: number): void {
    this.node.disabled = selected < 2;
    this.node.textContent = selected >= 2 ? `Compare ${selected} runs` : 'Compare';
    this.node.title = selected >= 2 ? 'Charts, params and metrics of the selected runs side by side' : 'Select two or more runs to compare them';
  }
}

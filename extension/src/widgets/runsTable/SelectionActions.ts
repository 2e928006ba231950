/**
 * Delete and Restore for the runs selected in a table, through the MLflow API. Deleting asks
 * first; both say how many runs they act on, and what failed, if anything did.
 */
import type { Edits } from '@lablog/client';
import { askConfirm, button } from '../edit/dialogs.js';

/** The runs of the selection whose stage is known (those on the page). */
export interface SelectedRuns {
  active: string[];
  deleted: string[];
}

/** The Delete and Restore buttons of a runs table's toolbar. */
export class SelectionActions {
  readonly node = document.createElement('span');
  private readonly del = button('Delete');
  private readonly restore = button('Restore');
  private selection: SelectedRuns = { active: [], deleted: [] };

  /** @param done called after runs were deleted or restored (the table reads again) */
  constructor(
    private readonly edits: Edits,
    private readonly done: () => void,
  ) {
    this.node.className = 'll-selection-actions';
    this.del.dataset.action = 'delete-runs';
    this.restore.dataset.action = 'restore-runs';
    this.del.addEventListener('click', () => void this.deleteSelected());
    this.restore.addEventListener('click', () => void this.restoreSelected());
    this.node.append(this.del, this.restore);
    this.show(this.selection);
  }

  /** Shows the buttons for `selection` (hidden when there is nothing to act on). */
  show(selection: SelectedRuns): void {
    this.selection = selection;
    const { active, deleted } = selection;
    this.del.hidden = active.length === 0;
    this.del.textContent = `Delete ${active.length === 1 ? 'run' : `${active.length} runs`}`;
    this.restore.hidden = deleted.length === 0;
    this.restore.textContent = `Restore ${deleted.length === 1 ? 'run' : `${deleted.length} runs`}`;
  }

  private async deleteSelected(): Promise<void> {
    const ids = this.selection.active;
    const what = ids.length === 1 ? 'The selected run moves' : `The ${ids.length} selected runs move`;
    if (await askConfirm('Delete runs', `${what} to the deleted runs of the experiment; “Deleted runs” lists them, and they can be restored from there.`, 'Delete', () => forEach(ids, (id) => this.edits.deleteRun(id)))) this.done();
  }

  private async restoreSelected(): Promise<void> {
    const ids = this.selection.deleted;
    try {
      await forEach(ids, (id) => this.edits.restoreRun(id));
    } finally {
      this.done();
    }
  }
}

/** Runs `fn` on every id, a few at a time; rejects with how many failed and the first reason. */
async function forEach(ids: readonly string[], fn: (id: string) => Promise<void>): Promise<void> {
  const failures: Error[] = [];
  for (let i = 0; i < ids.length; i += 8) {
    const results = await Promise.allSettled(ids.slice(i, i + 8).map(fn));
    for (const r of results) if (r.status === 'rejected') failures.push(r.reason as Error);
  }
  if (failures.length) throw new Error(`${failures.length} of ${ids.length} failed: ${failures[0]!.message}`);
}

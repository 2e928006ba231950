/**
 * Rename, Delete and Restore of an experiment, from the head of its runs table, through the
 * MLflow API. Deleting asks first (the experiment's runs go with it, and come back with it).
 */
import type { Edits } from '@lablog/client';
import type { WireExperiment } from '@lablog/schema';
import { askConfirm, askFields, button } from '../edit/dialogs.js';

/**
 * The action buttons of `exp`.
 * @param changed called after an action succeeded
 */
export function experimentActions(edits: Edits, exp: WireExperiment, changed: () => void): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'll-experiment-actions';
  const id = exp.experiment_id;
  const act = (label: string, name: string, fn: () => Promise<boolean>): void => {
    const b = button(label);
    b.dataset.action = name;
    b.addEventListener('click', () => {
      bar.querySelector('.ll-error')?.remove();
      fn().then(
        (done) => done && changed(),
        (err: Error) => bar.append(Object.assign(document.createElement('span'), { className: 'll-error', textContent: err.message })),
      );
    });
    bar.append(b);
  };
  act('Rename', 'rename-experiment', async () =>
    (await askFields('Rename experiment', [{ name: 'name', label: 'Name', value: exp.name, required: true }], 'Rename', (v) => edits.renameExperiment(id, v.name!))) !== null,
  );
  if (exp.lifecycle_stage === 'deleted') {
    act('Restore', 'restore-experiment', async () => {
      await edits.restoreExperiment(id);
      return true;
    });
  } else {
    act('Delete', 'delete-experiment', () =>
      askConfirm('Delete experiment', `“${exp.name}” and its runs move to the deleted experiments (“Show deleted” lists them); they can be restored.`, 'Delete', () => edits.deleteExperiment(id)),
    );
  }
  return bar;
}

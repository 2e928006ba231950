/**
 * Rename, Delete and Restore of an experiment, from the head of its runs table, through the
 * MLflow API. Deleting asks first (the experiment's runs go with it, and come back with it).
 */
import type { Edits } from '@lablog/client';
import type { WireExperiment } from '@lablog/schema';
import { actionRow } from '../edit/actionRow.js';
import { askConfirm, askFields } from '../edit/dialogs.js';

/**
 * The action buttons of `exp`.
 * @param changed called after an action succeeded
 */
export function experimentActions(edits: Edits, exp: WireExperiment, changed: () => void): HTMLElement {
  const id = exp.experiment_id;
  const rename = async (): Promise<boolean> =>
    (await askFields('Rename experiment', [{ name: 'name', label: 'Name', value: exp.name, required: true }], 'Rename', (v) => edits.renameExperiment(id, v.name!))) !== null;
  const restore = async (): Promise<boolean> => {
    await edits.restoreExperiment(id);
    return true;
  };
  const remove = (): Promise<boolean> =>
    askConfirm('Delete experiment', `“${exp.name}” and its runs move to the deleted experiments (“Show deleted” lists them); they can be restored.`, 'Delete', () => edits.deleteExperiment(id));
  return actionRow(
    'll-experiment-actions',
    [['Rename', 'rename-experiment', rename], exp.lifecycle_stage === 'deleted' ? ['Restore', 'restore-experiment', restore] : ['Delete', 'delete-experiment', remove]],
    changed,
  );
}

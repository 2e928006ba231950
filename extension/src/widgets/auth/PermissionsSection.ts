/**
 * An experiment's "Permissions" section, for the users who manage it on a team server: who has
 * which level (besides the server's default), a form to grant a user a level, and a button to
 * revoke each grant — all through MLflow's permission endpoints. Users who do not manage the
 * experiment, and agents without users, never see it.
 */
import type { Lablog } from '@lablog/client';
import type { ExperimentAccessList, PermissionName } from '@lablog/schema';
import { el } from '../previews/dom.js';

const LEVELS: readonly PermissionName[] = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'];

/** The section's element: empty and hidden until the agent says the user manages the experiment. */
export function permissionsSection(lablog: Lablog, experimentId: string): HTMLElement {
  const box = el('details', 'll-permissions');
  box.hidden = true;
  const render = (list: ExperimentAccessList, problem = '') => {
    const summary = el('summary', '', `Permissions (${list.permissions.length})`);
    const note = el('p', 'll-muted', `Everyone else: ${list.default_permission}.`);
    const table = el('table', 'll-permissions-table');
    for (const p of list.permissions) {
      const row = el('tr');
      row.dataset.user = p.username;
      const revoke = Object.assign(el('button', 'll-button', 'Revoke'), { type: 'button' });
      revoke.setAttribute('aria-label', `Revoke ${p.username}'s ${p.permission}`);
      revoke.addEventListener('click', () => act(() => lablog.access.revokeExperiment(experimentId, p.username)));
      const actions = el('td');
      actions.append(revoke);
      row.append(el('td', '', p.username), el('td', 'll-permission-level', p.permission), actions);
      table.append(row);
    }
    const form = el('form', 'll-grant-form');
    const user = Object.assign(el('input', 'll-input'), { name: 'username', required: true, placeholder: 'User name' });
    user.setAttribute('aria-label', 'User to grant');
    const level = el('select', 'll-input');
    level.setAttribute('aria-label', 'Permission level');
    for (const l of LEVELS) level.append(Object.assign(el('option'), { value: l, textContent: l }));
    const grant = Object.assign(el('button', 'll-button', 'Grant'), { type: 'submit' });
    form.append(user, level, grant);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(() => lablog.access.grantExperiment(experimentId, user.value.trim(), level.value as PermissionName));
    });
    const error = el('p', 'll-error', problem);
    error.setAttribute('role', 'alert');
    error.hidden = !problem;
    box.replaceChildren(summary, note, table, form, error);
    box.hidden = false;
  };
  const read = (problem?: string) =>
    lablog.access.experimentAccess(experimentId).then(
      (list) => render(list, problem),
      () => box.remove(), // not a manager (403), or no users on this agent
    );
  const act = (change: () => Promise<void>) => {
    box.open = true;
    change().then(
      () => read(),
      (err: Error) => read(err.message),
    );
  };
  void lablog.access.whoami().then((who) => (who.auth && who.username ? read() : box.remove()), () => box.remove());
  return box;
}

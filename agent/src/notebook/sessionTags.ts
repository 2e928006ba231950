/**
 * The tags a run created under a notebook session's prefix gets: where it comes from (the
 * notebook, as MLflow's own `mlflow.source.*` tags), the kernel, and the git state of the
 * notebook's folder. They are set over whatever the client sent: the Python client names
 * `ipykernel_launcher.py` as the source, which says nothing about the notebook.
 */
import type { RegisterSession } from '@lablog/schema';
import { truncateValue } from '../mlflow/loggingRules.js';

/** Tag naming the session a run was created under. */
export const SESSION_TAG = 'lablog.session';

/**
 * The tags of a run created under session `sessionId`.
 * @param info what the session registered; null for a session the agent does not know (its
 *   runs are still marked as coming from a notebook, so logging never fails for want of it)
 */
export function sessionRunTags(sessionId: string, info: RegisterSession | null): Record<string, string> {
  const tags: Record<string, string> = { 'mlflow.source.type': 'NOTEBOOK', [SESSION_TAG]: sessionId };
  if (!info) return tags;
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') tags[key] = truncateValue('tag', value);
  };
  set('mlflow.source.name', info.notebook_path);
  const k = info.kernel;
  set('lablog.kernel.name', k.name);
  set('lablog.kernel.language', k.language);
  set('lablog.kernel.language_version', k.language_version);
  set('lablog.kernel.implementation', k.implementation);
  set('lablog.kernel.implementation_version', k.implementation_version);
  if (info.python) {
    set('lablog.python.version', info.python.version);
    set('lablog.platform', info.python.platform);
    set('lablog.hostname', info.python.hostname);
    for (const [name, version] of Object.entries(info.python.libraries)) set(`lablog.lib.${name}`, version);
  }
  if (info.git) {
    set('mlflow.source.git.commit', info.git.commit);
    set('mlflow.source.git.branch', info.git.branch);
    set('mlflow.source.git.repoURL', info.git.remote);
    set('lablog.git.dirty', String(info.git.dirty));
  }
  return tags;
}

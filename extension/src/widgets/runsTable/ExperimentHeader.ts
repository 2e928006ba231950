/**
 * The head of an experiment's runs table: its name (or id while it is read), a "deleted" badge,
 * and the experiment's actions (rename, delete, restore), read again after an action so a server
 * without a live feed shows it too.
 */
import type { WireExperiment } from '@lablog/schema';
import type { ViewerContext } from '../context.js';
import { permissionsSection } from '../auth/PermissionsSection.js';
import { experimentActions } from './experimentActions.js';

/** The header; `node` is placed by the view. */
export class ExperimentHeader {
  readonly node = document.createElement('header');
  /** The experiment's name, once read. */
  name: string | null = null;
  private shown: string | null = null;

  constructor(private readonly ctx: ViewerContext) {
    this.node.className = 'll-runs-header';
  }

  /** Shows experiment `id`: by id until `exp` is known. */
  render(id: string, exp: WireExperiment | null): void {
    this.shown = id;
    this.name = exp?.name ?? null;
    const h = document.createElement('h1');
    h.textContent = this.name ?? `Experiment ${id}`;
    const sub = document.createElement('span');
    sub.className = 'll-muted ll-runs-id';
    sub.textContent = `experiment ${id}`;
    this.node.replaceChildren(h, sub);
    if (!exp) return;
    if (exp.lifecycle_stage === 'deleted') sub.after(Object.assign(document.createElement('span'), { className: 'll-status ll-status-deleted', textContent: 'deleted' }));
    this.node.append(experimentActions(this.ctx.lablog.edits, exp, () => void this.reread(id)), permissionsSection(this.ctx.lablog, id));
  }

  /** Reads the experiment again after an action, and shows it if it is still the one shown. */
  private async reread(id: string): Promise<void> {
    try {
      const exp = await this.ctx.query.getExperiment(id);
      if (this.shown === id) this.render(id, exp);
    } catch {
      // the live feed, or the next visit, shows it
    }
  }
}

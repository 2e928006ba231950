/**
 * CompareHeader — the runs of a comparison in their series colours, each a link to its run
 * page with a × that takes it out of the comparison; a run that could not be read shows the
 * agent's reason in its place.
 */
import { Widget } from '@lumino/widgets';
import type { Navigator } from '../context.js';
import type { RunsRoute } from '../routes.js';
import { runLabel } from '../format.js';
import type { CompareModel } from './CompareModel.js';
import { runSwatch } from './runSwatch.js';

/** The list of compared runs. */
export class CompareHeader extends Widget {
  private readonly heading = document.createElement('h1');
  private readonly backLink = document.createElement('a');
  private readonly list = document.createElement('ol');
  /** After a removal: the place whose × takes the focus, so the keyboard stays in the list. */
  private focusAt: number | null = null;
  /** The runs table the comparison was opened from (filter, order, page), for "← Runs". */
  back: RunsRoute | undefined;

  /**
   * @param remove called with a run id when its × is pressed
   */
  constructor(
    private readonly nav: Navigator,
    private readonly remove: (runId: string) => void,
  ) {
    super({ node: document.createElement('header') });
    this.addClass('ll-compare-header');
    this.backLink.className = 'll-compare-back';
    this.backLink.textContent = '← Runs';
    this.list.className = 'll-compare-runs';
    const top = document.createElement('div');
    top.className = 'll-compare-title';
    top.append(this.heading, this.backLink);
    this.node.append(top, this.list);
  }

  /** Shows the runs of `model`. */
  render(model: CompareModel): void {
    const compared = model.compared;
    const colours = new Map(compared.map((c) => [c.id, c.colour]));
    this.heading.textContent = model.slots.length ? `Comparing ${model.slots.length} runs` : 'Compare runs';
    const experimentId = compared[0]?.run.info.experiment_id;
    this.backLink.href = this.nav.href(this.back ?? (experimentId === undefined ? { view: 'runs' } : { view: 'runs', experimentId }));
    this.list.replaceChildren(
      ...model.slots.map((slot) => {
        const li = document.createElement('li');
        li.className = 'll-compare-run';
        li.dataset.runId = slot.id;
        const colour = colours.get(slot.id);
        if (slot.run && colour !== undefined) {
          const a = document.createElement('a');
          a.href = this.nav.href({ view: 'run', runId: slot.id });
          a.textContent = runLabel(slot.run);
          a.title = slot.id;
          const status = document.createElement('span');
          status.className = `ll-status ll-status-${slot.run.info.status}`;
          status.textContent = slot.run.info.status.toLowerCase();
          li.append(runSwatch(colour), a, status);
        } else if (slot.error) {
          li.classList.add('ll-error');
          li.textContent = `${slot.id}: ${slot.error}`;
        } else {
          li.classList.add('ll-muted');
          li.textContent = `${slot.id} — loading…`;
        }
        const x = document.createElement('button');
        x.className = 'll-compare-remove';
        x.type = 'button';
        x.textContent = '×';
        const name = slot.run ? runLabel(slot.run) : slot.id;
        x.title = `Remove ${name} from the comparison`;
        x.setAttribute('aria-label', x.title);
        x.addEventListener('click', () => {
          this.focusAt = model.slots.indexOf(slot);
          this.remove(slot.id);
        });
        li.append(x);
        return li;
      }),
    );
    if (this.focusAt !== null) {
      const buttons = this.list.querySelectorAll<HTMLButtonElement>('.ll-compare-remove');
      buttons[Math.min(this.focusAt, buttons.length - 1)]?.focus();
      this.focusAt = null;
    }
  }
}

/**
 * The search box over runs: MLflow's filter grammar, applied on Enter; the agent's message
 * for a filter it refuses is shown right under the box.
 */

/** A filter input and its error line; `node` holds both. */
export class FilterBox {
  readonly node = document.createElement('div');
  readonly input = document.createElement('input');
  private readonly error = document.createElement('div');

  /** @param apply called with the trimmed text (empty: no filter) when the user presses Enter */
  constructor(apply: (filter: string) => void) {
    this.node.className = 'll-filter';
    this.input.type = 'search';
    this.input.className = 'll-input ll-filter-input';
    this.input.placeholder = "Filter: metrics.loss < 0.5 and params.lr = '0.01'";
    this.input.setAttribute('aria-label', 'Filter runs (MLflow search syntax), Enter to apply');
    this.input.spellcheck = false;
    this.input.autocomplete = 'off';
    this.error.className = 'll-error ll-filter-error';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.input.setAttribute('aria-describedby', (this.error.id = `ll-filter-error-${Math.random().toString(36).slice(2, 8)}`));
    this.input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      this.applied = this.input.value.trim();
      apply(this.applied);
    });
    // the box's clear button (×) removes the filter at once
    this.input.addEventListener('search', () => {
      if (this.input.value !== '' || this.applied === '') return;
      this.applied = '';
      apply('');
    });
    this.node.append(this.input, this.error);
  }

  /** Shows `filter` in the box (unless the user is typing there). */
  set value(filter: string) {
    this.applied = filter;
    if (document.activeElement !== this.input) this.input.value = filter;
  }

  private applied = '';

  /** Shows an error under the box; null clears it. */
  setError(message: string | null): void {
    this.error.hidden = message === null;
    this.error.textContent = message ?? '';
    this.input.classList.toggle('ll-invalid', message !== null);
    this.input.setAttribute('aria-invalid', String(message !== null));
  }
}

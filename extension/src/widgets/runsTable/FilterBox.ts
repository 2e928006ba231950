/**
 * The search box over runs: MLflow's filter grammar (or plain words, a name search), applied on
 * Enter; the agent's message for a filter it refuses is shown right under the box, with the
 * reason where MLflow's message leaves it out, and a note when the text was read as a name search.
 */

import { KeySuggest } from './KeySuggest.js';

/** The agent refused the typed filter: its message, and why where MLflow's message does not say. */
export class FilterRefused extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'FilterRefused';
  }
}

/** A filter input and its error line; `node` holds both. */
export class FilterBox {
  readonly node = document.createElement('div');
  readonly input = document.createElement('input');
  private readonly error = document.createElement('div');
  private readonly hint = document.createElement('div');

  private readonly suggest: KeySuggest;

  /**
   * @param apply called with the trimmed text (empty: no filter) when the user presses Enter
   * @param keys the key names to complete (`metrics.loss`, …), read at each keystroke
   */
  constructor(apply: (filter: string) => void, keys: () => readonly string[] = () => []) {
    this.node.className = 'll-filter';
    this.input.type = 'search';
    this.input.className = 'll-input ll-filter-input';
    this.input.placeholder = "Filter: metrics.loss < 0.5 and params.lr = '0.01', or a run name";
    this.input.setAttribute('aria-label', 'Filter runs (MLflow search syntax), Enter to apply');
    this.input.spellcheck = false;
    this.input.autocomplete = 'off';
    this.error.className = 'll-error ll-filter-error';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.hint.className = 'll-muted ll-filter-note';
    this.hint.hidden = true;
    this.input.setAttribute('aria-describedby', (this.error.id = `ll-filter-error-${Math.random().toString(36).slice(2, 8)}`));
    this.suggest = new KeySuggest(this.input, keys);
    this.input.addEventListener('keydown', (e) => {
      if (this.suggest.onKey(e)) return;
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
    const field = document.createElement('div');
    field.className = 'll-filter-field';
    field.append(this.input, this.suggest.list);
    this.node.append(field, this.error, this.hint);
  }

  /** Shows `filter` in the box (unless the user is typing there). */
  set value(filter: string) {
    this.applied = filter;
    if (document.activeElement !== this.input) this.input.value = filter;
  }

  private applied = '';

  /** Shows an error under the box (and why, when known); null clears it. */
  setError(message: string | null, hint?: string): void {
    this.error.hidden = message === null;
    this.error.textContent = message ?? '';
    if (message !== null && hint) {
      const why = document.createElement('div');
      why.className = 'll-filter-hint';
      why.textContent = hint;
      this.error.append(why);
    }
    if (message !== null) this.setNote(null);
    this.input.classList.toggle('ll-invalid', message !== null);
    this.input.setAttribute('aria-invalid', String(message !== null));
  }

  /** A line under the box saying how the text was read (e.g. as a name search); null clears it. */
  setNote(note: string | null): void {
    this.hint.hidden = note === null;
    this.hint.textContent = note ?? '';
  }
}

/**
 * Key completion for a filter box: while the word under the caret could be the start of a key
 * (`met`, `metrics.va`, `lr`), a list under the box offers the experiment's keys that match
 * (`metrics.val_loss`, `params.lr`, …). ↓/↑ choose, Tab or Enter takes the choice, Escape
 * closes; keys with characters the grammar cannot take bare are put in backticks.
 */

/** Suggestions shown at most. */
const MAX_SHOWN = 8;

/** The word under the caret: where it starts and what it is. */
function wordAt(text: string, caret: number): { start: number; word: string } {
  let start = caret;
  while (start > 0 && !/[\s(,]/.test(text[start - 1]!)) start--;
  return { start, word: text.slice(start, caret) };
}

/** `metrics.my-key` as the grammar takes it: `metrics.\`my-key\``. */
function quoteKey(name: string): string {
  const dot = name.indexOf('.');
  const key = name.slice(dot + 1);
  return /^[A-Za-z_][\w.]*$/.test(key) ? name : `${name.slice(0, dot)}.\`${key}\``;
}

/** The completion list of one input. */
export class KeySuggest {
  readonly list = document.createElement('ul');
  private items: string[] = [];
  private active = -1;
  private word = { start: 0, word: '' };

  /** @param keys the names offered (`metrics.loss`, `params.lr`, `attributes.status`, …), read at each keystroke */
  constructor(
    private readonly input: HTMLInputElement,
    private readonly keys: () => readonly string[],
  ) {
    this.list.className = 'll-suggest';
    this.list.id = `ll-suggest-${Math.random().toString(36).slice(2, 8)}`;
    this.list.setAttribute('role', 'listbox');
    this.list.hidden = true;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', this.list.id);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', () => this.update());
    input.addEventListener('blur', () => this.close());
    // a click on a suggestion takes it before the input loses the focus
    this.list.addEventListener('mousedown', (e) => {
      const li = (e.target as HTMLElement).closest('li');
      if (!li) return;
      e.preventDefault();
      this.take(Number(li.dataset.index));
    });
  }

  /**
   * Handles a key of the input while the list is open.
   * @returns true when the key was the list's (the input's own handling must not run)
   */
  onKey(e: KeyboardEvent): boolean {
    if (this.list.hidden) return false;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        this.move(e.key === 'ArrowDown' ? 1 : -1);
        break;
      case 'Tab':
      case 'Enter':
        if (this.active < 0) {
          if (e.key === 'Enter') this.close();
          return e.key === 'Tab' ? this.takeFirst() : false;
        }
        this.take(this.active);
        break;
      case 'Escape':
        this.close();
        break;
      default:
        return false;
    }
    e.preventDefault();
    return true;
  }

  private takeFirst(): boolean {
    if (!this.items.length) return false;
    this.take(0);
    return true;
  }

  private update(): void {
    const caret = this.input.selectionStart ?? this.input.value.length;
    this.word = wordAt(this.input.value, caret);
    const w = this.word.word.toLowerCase();
    if (w.length === 0 || /[=<>!'"`]/.test(w)) return this.close();
    const all = this.keys();
    // names starting with the word first, then those whose key part does
    const starts = all.filter((k) => k.toLowerCase().startsWith(w));
    const keyStarts = all.filter((k) => !starts.includes(k) && k.slice(k.indexOf('.') + 1).toLowerCase().startsWith(w));
    this.items = [...starts, ...keyStarts].filter((k) => k.toLowerCase() !== w).slice(0, MAX_SHOWN);
    if (!this.items.length) return this.close();
    this.active = -1;
    this.render();
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.items.map((k, i) => {
        const li = document.createElement('li');
        li.id = `${this.list.id}-${i}`;
        li.dataset.index = String(i);
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === this.active));
        li.textContent = k;
        return li;
      }),
    );
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `${this.list.id}-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private move(by: number): void {
    this.active = (this.active + by + this.items.length + 1) % (this.items.length + 1);
    if (this.active === this.items.length) this.active = -1;
    this.render();
  }

  private take(i: number): void {
    const name = this.items[i];
    if (name === undefined) return;
    const text = this.input.value;
    const end = this.word.start + this.word.word.length;
    const inserted = `${quoteKey(name)} `;
    this.input.value = text.slice(0, this.word.start) + inserted + text.slice(end).replace(/^\s+/, '');
    const caret = this.word.start + inserted.length;
    this.input.setSelectionRange(caret, caret);
    this.close();
  }

  private close(): void {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}

/**
 * Which params, metrics and tags the table shows: a drop-down listing the keys of the runs
 * loaded, one checkbox each. The choice becomes the route's `columns` (`params.lr`,
 * `metrics.loss`, `tags.team`).
 */

/** The "Columns" drop-down; `node` is a `<details>` (keyboard-operable as is). */
export class ColumnChooser {
  readonly node = document.createElement('details');
  private readonly menu = document.createElement('div');

  /** @param change called with the new list of chosen columns */
  constructor(private readonly change: (columns: string[]) => void) {
    this.node.className = 'll-columns';
    const summary = document.createElement('summary');
    summary.className = 'll-button';
    summary.textContent = 'Columns';
    this.menu.className = 'll-columns-menu';
    this.node.append(summary, this.menu);
    // a click elsewhere closes the menu, as a menu does
    this.node.addEventListener('toggle', () => {
      if (this.node.open) document.addEventListener('pointerdown', this.outside, true);
      else document.removeEventListener('pointerdown', this.outside, true);
    });
    this.node.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.node.open) {
        this.node.open = false;
        summary.focus();
      }
    });
  }

  private readonly outside = (e: PointerEvent): void => {
    if (!this.node.contains(e.target as Node)) this.node.open = false;
  };

  /** Stops listening to the document. */
  dispose(): void {
    document.removeEventListener('pointerdown', this.outside, true);
  }

  /**
   * Lists the keys with the chosen ones ticked.
   * @param chosen columns shown now, in order
   * @param params / metrics keys of the loaded runs
   */
  render(chosen: readonly string[], params: Iterable<string>, metrics: Iterable<string>, tags: Iterable<string> = []): void {
    const sections: Array<[string, string, string[]]> = [
      ['Metrics', 'metrics.', sorted(metrics, chosen, 'metrics.')],
      ['Params', 'params.', sorted(params, chosen, 'params.')],
      ['Tags', 'tags.', sorted(tags, chosen, 'tags.')],
    ];
    const parts: HTMLElement[] = [];
    for (const [title, prefix, keys] of sections) {
      const fs = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = title;
      fs.append(legend);
      if (keys.length === 0) {
        const none = document.createElement('div');
        none.className = 'll-muted';
        none.textContent = `no ${title.toLowerCase()} logged yet`;
        fs.append(none);
      }
      for (const key of keys) {
        const id = prefix + key;
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.checked = chosen.includes(id);
        box.dataset.col = id;
        box.addEventListener('change', () => this.change(box.checked ? [...chosen, id] : chosen.filter((c) => c !== id)));
        label.append(box, ` ${key}`);
        fs.append(label);
      }
      parts.push(fs);
    }
    const focused = this.menu.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.col : undefined;
    this.menu.replaceChildren(...parts);
    if (focused) this.menu.querySelector<HTMLInputElement>(`input[data-col="${CSS.escape(focused)}"]`)?.focus();
  }
}

function sorted(keys: Iterable<string>, chosen: readonly string[], prefix: string): string[] {
  const all = new Set(keys);
  for (const c of chosen) if (c.startsWith(prefix)) all.add(c.slice(prefix.length));
  return [...all].sort((a, b) => a.localeCompare(b));
}

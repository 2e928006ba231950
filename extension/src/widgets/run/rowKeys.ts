/**
 * Keyboard use of a read-only table: rows take focus one at a time (roving tabindex), arrow
 * keys, Home and End move between them, Enter follows the row's first link.
 */

/** Makes the body rows of `table` keyboard-navigable. Call again after rows change. */
export function navigableRows(table: HTMLTableElement): void {
  const rows = [...table.tBodies].flatMap((b) => [...b.rows]);
  rows.forEach((r, i) => (r.tabIndex = i === 0 ? 0 : -1));
  if (table.dataset.keys) return;
  table.dataset.keys = 'rows';
  table.addEventListener('keydown', (e) => {
    const row = (e.target as HTMLElement).closest('tr');
    if (!row || !row.parentElement || row.parentElement.tagName !== 'TBODY') return;
    const all = [...table.tBodies].flatMap((b) => [...b.rows]);
    const i = all.indexOf(row);
    let next: HTMLTableRowElement | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = all[i + 1];
        break;
      case 'ArrowUp':
        next = all[i - 1];
        break;
      case 'Home':
        next = all[0];
        break;
      case 'End':
        next = all[all.length - 1];
        break;
      case 'Enter': {
        const a = row.querySelector<HTMLElement>('a, .ll-link-button');
        if (a && e.target === row) {
          e.preventDefault();
          a.click();
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    if (!next) return;
    row.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

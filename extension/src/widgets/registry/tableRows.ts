/**
 * Keyboard navigation of a table's rows: one row is in the tab order at a time (roving
 * tabindex); ArrowUp/ArrowDown/Home/End move between rows, Enter opens the focused one.
 */

/** The rows that take part: `tr[data-key]` of the body. */
function rowsOf(tbody: HTMLElement): HTMLTableRowElement[] {
  return [...tbody.querySelectorAll<HTMLTableRowElement>(':scope > tr[data-key]')];
}

/**
 * Makes `tbody`'s rows navigable. Call `focusable` after every render.
 * @param onOpen called for Enter on a row, and for a click on a row outside its links and buttons
 */
export function navigableRows(tbody: HTMLElement, onOpen: (key: string) => void): void {
  tbody.addEventListener('keydown', (e) => {
    const rows = rowsOf(tbody);
    const current = (e.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-key]');
    const i = current ? rows.indexOf(current) : -1;
    let next: HTMLTableRowElement | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = rows[Math.min(i + 1, rows.length - 1)];
        break;
      case 'ArrowUp':
        next = rows[Math.max(i - 1, 0)];
        break;
      case 'Home':
        next = rows[0];
        break;
      case 'End':
        next = rows[rows.length - 1];
        break;
      case 'Enter':
        // Enter on a link inside the row follows the link
        if (current && e.target === current) {
          e.preventDefault();
          onOpen(current.dataset.key!);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next) focusRow(tbody, next);
  });
  tbody.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    if (target.closest('a, button, input')) return;
    const row = target.closest<HTMLTableRowElement>('tr[data-key]');
    if (!row) return;
    focusRow(tbody, row);
    onOpen(row.dataset.key!);
  });
}

/**
 * Puts the row with `key` (else the first) in the tab order, the others out of it.
 * @param focus also move the keyboard focus there
 */
export function focusable(tbody: HTMLElement, key: string | null, focus = false): void {
  const rows = rowsOf(tbody);
  const row = rows.find((r) => r.dataset.key === key) ?? rows[0];
  for (const r of rows) r.tabIndex = r === row ? 0 : -1;
  if (row && focus) row.focus();
}

function focusRow(tbody: HTMLElement, row: HTMLTableRowElement): void {
  for (const r of rowsOf(tbody)) r.tabIndex = r === row ? 0 : -1;
  row.focus();
}

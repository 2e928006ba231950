/**
 * A row of action buttons (Rename, Delete, Stage…): each runs its action; one that resolves
 * `true` changed something and `changed` is called; a failure is shown at the end of the row.
 */
import { button } from './dialogs.js';

/** One action: its label, its `data-action` name, and what it does. */
export type Action = [label: string, name: string, run: () => Promise<boolean | void>];

/** The row of `actions`, with class `className`. */
export function actionRow(className: string, actions: readonly Action[], changed: () => void = () => undefined): HTMLElement {
  const bar = document.createElement('div');
  bar.className = `ll-action-row ${className}`;
  for (const [label, name, fn] of actions) {
    const b = button(label);
    b.dataset.action = name;
    b.addEventListener('click', () => {
      bar.querySelector('.ll-error')?.remove();
      fn().then(
        (done) => done === true && changed(),
        (err: Error) => bar.append(Object.assign(document.createElement('span'), { className: 'll-error', textContent: err.message })),
      );
    });
    bar.append(b);
  }
  return bar;
}

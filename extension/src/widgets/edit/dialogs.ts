/**
 * Small modal dialogs for the page's actions, built on the browser's `<dialog>`: it traps the
 * focus, Escape cancels, Enter submits, and the opener gets the focus back when it closes.
 */

/** One field of `askFields`. */
export interface DialogField {
  name: string;
  label: string;
  value?: string;
  /** A textarea (Ctrl+Enter submits) instead of one line. */
  multiline?: boolean;
  placeholder?: string;
  /** Values offered while typing (a datalist). */
  suggestions?: readonly string[];
  /** Must not be empty (after trimming). */
  required?: boolean;
  /** A checkbox; its value is 'true' or 'false'. */
  checkbox?: boolean;
  /** A choice among these values (a select). */
  options?: readonly string[];
}

/**
 * Shows a form and resolves to its values, or null when cancelled. `submit` runs before the
 * dialog closes: when it rejects, its message is shown in the dialog and the user can fix it.
 */
export function askFields(
  title: string,
  fields: readonly DialogField[],
  submitLabel: string,
  submit: (values: Record<string, string>) => Promise<void> = async () => undefined,
): Promise<Record<string, string> | null> {
  const opener = document.activeElement as HTMLElement | null;
  const dialog = document.createElement('dialog');
  dialog.className = 'll-dialog';
  const form = document.createElement('form');
  form.method = 'dialog';
  const h = document.createElement('h2');
  h.textContent = title;
  form.append(h);
  const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>();
  for (const f of fields) {
    const label = document.createElement('label');
    label.className = f.checkbox ? 'll-dialog-check' : 'll-dialog-field';
    const span = document.createElement('span');
    span.textContent = f.label;
    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (f.options) {
      input = document.createElement('select');
      for (const o of f.options) input.append(Object.assign(document.createElement('option'), { value: o, textContent: o }));
    } else if (f.multiline) {
      input = document.createElement('textarea');
      input.rows = 8;
    } else {
      input = document.createElement('input');
      input.type = f.checkbox ? 'checkbox' : 'text';
      if (f.checkbox) input.checked = f.value === 'true';
      if (f.suggestions?.length) {
        const list = document.createElement('datalist');
        list.id = `ll-dl-${Math.random().toString(36).slice(2, 9)}`;
        for (const s of f.suggestions) list.append(Object.assign(document.createElement('option'), { value: s }));
        input.setAttribute('list', list.id);
        label.append(list);
      }
    }
    input.name = f.name;
    if (!f.checkbox) {
      input.className = 'll-input';
      input.value = f.value ?? '';
      if (!(input instanceof HTMLSelectElement)) input.spellcheck = false;
      if (f.placeholder && !(input instanceof HTMLSelectElement)) input.placeholder = f.placeholder;
      if (f.required) input.required = true;
    }
    inputs.set(f.name, input);
    if (f.checkbox) label.append(input, span);
    else label.append(span, input);
    form.append(label);
  }
  const error = document.createElement('div');
  error.className = 'll-error ll-dialog-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const buttons = document.createElement('div');
  buttons.className = 'll-dialog-buttons';
  const cancel = button('Cancel', 'll-button');
  cancel.type = 'button';
  const ok = button(submitLabel, 'll-button ll-primary');
  ok.type = 'submit';
  buttons.append(cancel, ok);
  form.append(error, buttons);
  dialog.append(form);
  themeHost(opener).append(dialog);

  return new Promise((resolve) => {
    let done = false;
    const finish = (values: Record<string, string> | null): void => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      opener?.focus?.();
      resolve(values);
    };
    const values = (): Record<string, string> => Object.fromEntries([...inputs].map(([k, i]) => [k, i instanceof HTMLInputElement && i.type === 'checkbox' ? String(i.checked) : i.value.trim()]));
    cancel.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    dialog.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target instanceof HTMLTextAreaElement) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = values();
      ok.disabled = true;
      error.hidden = true;
      submit(v).then(
        () => finish(v),
        (err: Error) => {
          ok.disabled = false;
          error.hidden = false;
          error.textContent = err.message;
        },
      );
    });
    dialog.showModal();
  });
}

/**
 * Asks before an action; `run` executes it inside the dialog (its error is shown there).
 * @returns whether it was done
 */
export async function askConfirm(title: string, message: string, actionLabel: string, run: () => Promise<void>): Promise<boolean> {
  const opener = document.activeElement as HTMLElement | null;
  const dialog = document.createElement('dialog');
  dialog.className = 'll-dialog';
  const h = document.createElement('h2');
  h.textContent = title;
  const p = document.createElement('p');
  p.textContent = message;
  const error = document.createElement('div');
  error.className = 'll-error ll-dialog-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const buttons = document.createElement('div');
  buttons.className = 'll-dialog-buttons';
  const cancel = button('Cancel', 'll-button');
  const ok = button(actionLabel, 'll-button ll-danger');
  buttons.append(cancel, ok);
  dialog.append(h, p, error, buttons);
  themeHost(opener).append(dialog);
  return new Promise((resolve) => {
    const finish = (done: boolean): void => {
      dialog.close();
      dialog.remove();
      opener?.focus?.();
      resolve(done);
    };
    cancel.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(false);
    });
    ok.addEventListener('click', () => {
      ok.disabled = true;
      run().then(
        () => finish(true),
        (err: Error) => {
          ok.disabled = false;
          error.hidden = false;
          error.textContent = err.message;
        },
      );
    });
    dialog.showModal();
    ok.focus();
  });
}

/** Where a dialog goes: inside lablog's themed element, so it takes the theme's colours (JupyterLab's too). */
function themeHost(opener: Element | null): Element {
  return opener?.closest('.ll-theme') ?? document.querySelector('.ll-theme') ?? document.body;
}

/** A button with a label and classes. */
export function button(label: string, className = 'll-button'): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  return b;
}

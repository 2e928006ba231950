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
 * The frame every dialog shares: a title, the caller's content, an error line and Cancel / an
 * action button; Escape and Cancel close it with `null`, and the opener gets the focus back.
 */
class ModalShell<T> {
  readonly dialog = document.createElement('dialog');
  readonly ok: HTMLButtonElement;
  private readonly error = document.createElement('div');
  private readonly opener = document.activeElement as HTMLElement | null;
  private resolve: ((v: T | null) => void) | null = null;

  /** @param form a form in the dialog to hold the content, the error line and the buttons (else the dialog holds them) */
  constructor(title: string, actionLabel: string, actionClass: string, content: readonly Node[], form?: HTMLFormElement) {
    this.dialog.className = 'll-dialog';
    const h = document.createElement('h2');
    h.textContent = title;
    this.error.className = 'll-error ll-dialog-error';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    const buttons = document.createElement('div');
    buttons.className = 'll-dialog-buttons';
    const cancel = button('Cancel', 'll-button');
    this.ok = button(actionLabel, `ll-button ${actionClass}`);
    buttons.append(cancel, this.ok);
    const body = form ?? this.dialog;
    body.append(h, ...content, this.error, buttons);
    if (form) this.dialog.append(form);
    cancel.addEventListener('click', () => this.finish(null));
    this.dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      this.finish(null);
    });
  }

  /** Shows the dialog; resolves with what `finish` is given. */
  open(): Promise<T | null> {
    themeHost(this.opener).append(this.dialog);
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.dialog.showModal();
    });
  }

  /**
   * Runs the action: the dialog closes with `value` once it succeeded; its failure is shown in
   * the dialog and the user can try again.
   */
  attempt(run: () => Promise<void>, value: T): void {
    this.ok.disabled = true;
    this.error.hidden = true;
    run().then(
      () => this.finish(value),
      (err: Error) => {
        this.ok.disabled = false;
        this.error.hidden = false;
        this.error.textContent = err.message;
      },
    );
  }

  private finish(value: T | null): void {
    const resolve = this.resolve;
    if (!resolve) return;
    this.resolve = null;
    this.dialog.close();
    this.dialog.remove();
    this.opener?.focus?.();
    resolve(value);
  }
}

/** The input of one field of `askFields`. */
function fieldInput(f: DialogField, label: HTMLElement): HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
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
    if (!(input instanceof HTMLSelectElement)) {
      input.spellcheck = false;
      if (f.placeholder) input.placeholder = f.placeholder;
    }
    if (f.required) input.required = true;
  }
  return input;
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
  const form = document.createElement('form');
  form.method = 'dialog';
  const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>();
  const labels = fields.map((f) => {
    const label = document.createElement('label');
    label.className = f.checkbox ? 'll-dialog-check' : 'll-dialog-field';
    const span = document.createElement('span');
    span.textContent = f.label;
    const input = fieldInput(f, label);
    inputs.set(f.name, input);
    if (f.checkbox) label.append(input, span);
    else label.append(span, input);
    return label;
  });
  const shell = new ModalShell<Record<string, string>>(title, submitLabel, 'll-primary', labels, form);
  shell.ok.type = 'submit';
  const values = (): Record<string, string> => Object.fromEntries([...inputs].map(([k, i]) => [k, i instanceof HTMLInputElement && i.type === 'checkbox' ? String(i.checked) : i.value.trim()]));
  shell.dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target instanceof HTMLTextAreaElement) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values();
    // the browser's `required` takes spaces for a value; the values sent are trimmed
    const missing = fields.find((f) => f.required && !f.checkbox && v[f.name] === '');
    shell.attempt(() => (missing ? Promise.reject(new Error(`${missing.label} is required.`)) : submit(v)), v);
  });
  return shell.open();
}

/**
 * Asks before an action; `run` executes it inside the dialog (its error is shown there).
 * @returns whether it was done
 */
export async function askConfirm(title: string, message: string, actionLabel: string, run: () => Promise<void>): Promise<boolean> {
  const p = document.createElement('p');
  p.textContent = message;
  const shell = new ModalShell<true>(title, actionLabel, 'll-danger', [p]);
  shell.ok.addEventListener('click', () => shell.attempt(run, true));
  const opened = shell.open();
  shell.ok.focus();
  return (await opened) === true;
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

/**
 * Copying a value (a run id) to the clipboard. The Clipboard API exists only in secure contexts
 * (https, localhost): a page reached over plain http on a remote machine falls back to copying a
 * selected text, which browsers still allow on a click.
 */

/** Copies `text`; resolves to whether it was copied. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // denied: try the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } finally {
    area.remove();
  }
}

/** A "Copy" button for `text` that says "Copied" for a moment. */
export function copyButton(text: string, label = 'Copy ID', what = 'the run ID'): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'll-button ll-copy';
  b.textContent = label;
  b.title = `Copy ${what} (${text})`;
  b.setAttribute('aria-label', `Copy ${what}`);
  b.addEventListener('click', () => {
    void copyText(text).then((ok) => {
      b.textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(() => (b.textContent = label), 1500);
    });
  });
  return b;
}

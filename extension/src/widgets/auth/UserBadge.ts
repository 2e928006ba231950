/**
 * "Signed in as X", a button that makes a personal token for scripts (shown once: the agent keeps
 * only its hash), and sign out — in the page's top bar on a team server with users.
 */
import type { Lablog } from '@lablog/client';
import { Widget } from '@lumino/widgets';
import { copyButton } from '../edit/clipboard.js';
import { el } from '../previews/dom.js';

/** Who is signed in; signing out reloads the page (back to the sign-in form). */
export class UserBadge extends Widget {
  constructor(lablog: Lablog, username: string, isAdmin: boolean) {
    super();
    this.addClass('ll-user-badge');
    const who = el('span', 'll-user-name', `Signed in as ${username}${isAdmin ? ' (admin)' : ''}`);
    const token = Object.assign(el('button', 'll-button', 'New token'), { type: 'button', title: 'A personal token for scripts (MLFLOW_TRACKING_TOKEN)' });
    const shown = el('div', 'll-token-box');
    shown.hidden = true;
    token.addEventListener('click', () => {
      token.disabled = true;
      lablog.access
        .createToken(`page ${new Date().toISOString()}`)
        .then(
          (t) => {
            const value = Object.assign(el('input', 'll-input ll-token-value'), { readOnly: true, value: t });
            const note = el('p', 'll-muted', 'Shown once: copy it now. Scripts send it as MLFLOW_TRACKING_TOKEN (or the TS client’s token).');
            const close = Object.assign(el('button', 'll-button', 'Done'), { type: 'button' });
            close.addEventListener('click', () => {
              shown.hidden = true;
              shown.replaceChildren();
            });
            shown.replaceChildren(value, copyButton(t, 'Copy token', 'the token'), close, note);
          },
          (err: Error) => shown.replaceChildren(el('p', 'll-error', `Could not make a token: ${err.message}`)),
        )
        .finally(() => {
          shown.hidden = false;
          token.disabled = false;
        });
    });
    const out = Object.assign(el('button', 'll-button', 'Sign out'), { type: 'button' });
    out.addEventListener('click', () => {
      out.disabled = true;
      void lablog.access.signOut().finally(() => location.reload());
    });
    this.node.append(who, token, out);
    // outside the shell: Lumino's panels clip their children and stack the body above the top bar
    this.tokenBox = shown;
    document.body.append(shown);
  }

  private readonly tokenBox: HTMLElement;

  override dispose(): void {
    this.tokenBox.remove();
    super.dispose();
  }
}

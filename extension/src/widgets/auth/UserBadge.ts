/**
 * "Signed in as X" and a sign-out button, in the page's top bar on a team server with users.
 */
import type { Lablog } from '@lablog/client';
import { Widget } from '@lumino/widgets';
import { el } from '../previews/dom.js';

/** Who is signed in; signing out reloads the page (back to the sign-in form). */
export class UserBadge extends Widget {
  constructor(lablog: Lablog, username: string, isAdmin: boolean) {
    super();
    this.addClass('ll-user-badge');
    const who = el('span', 'll-user-name', `Signed in as ${username}${isAdmin ? ' (admin)' : ''}`);
    const out = Object.assign(el('button', 'll-button', 'Sign out'), { type: 'button' });
    out.addEventListener('click', () => {
      out.disabled = true;
      void lablog.access.signOut().finally(() => location.reload());
    });
    this.node.append(who, out);
  }
}

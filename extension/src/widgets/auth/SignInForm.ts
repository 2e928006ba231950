/**
 * The page's sign-in on a team server with users: a name and a password, sent once to the agent,
 * which answers with a session cookie (HttpOnly: the page never holds the secret). A wrong
 * password says so; repeated ones are slowed by the agent.
 */
import type { Lablog, RequestError } from '@lablog/client';
import type { WhoAmI } from '@lablog/schema';
import { Widget } from '@lumino/widgets';
import { el } from '../previews/dom.js';

/** The sign-in form; `signedIn` is called once a sign-in succeeded. */
export class SignInForm extends Widget {
  constructor(lablog: Lablog, signedIn: (who: WhoAmI) => void) {
    super();
    this.addClass('ll-signin');
    const form = el('form', 'll-signin-form');
    form.append(el('h1', '', 'Sign in to lablog'));
    const user = Object.assign(el('input', 'll-input'), { name: 'username', autocomplete: 'username', required: true, placeholder: 'User name' });
    const password = Object.assign(el('input', 'll-input'), { name: 'password', type: 'password', autocomplete: 'current-password', required: true, placeholder: 'Password' });
    const submit = Object.assign(el('button', 'll-button ll-primary', 'Sign in'), { type: 'submit' });
    const error = el('p', 'll-error');
    error.setAttribute('role', 'alert');
    error.hidden = true;
    const label = (text: string, input: HTMLInputElement) => {
      const l = el('label', 'll-signin-field', text);
      l.append(input);
      return l;
    };
    form.append(label('User name', user), label('Password', password), submit, error);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit.disabled = true;
      error.hidden = true;
      lablog.access.signIn(user.value, password.value).then(
        (who) => {
          password.value = '';
          signedIn(who);
        },
        (err: RequestError) => {
          submit.disabled = false;
          password.value = '';
          error.textContent = err.status === 401 ? 'Wrong user name or password.' : `Could not sign in: ${err.message}`;
          error.hidden = false;
          password.focus();
        },
      );
    });
    this.node.append(form);
  }

  protected override onAfterAttach(): void {
    this.node.querySelector('input')?.focus();
  }
}

/**
 * The standalone page the agent serves at `/`: lablog's widgets without JupyterLab. It talks to
 * the agent that served it (same origin) through the lablog client; a token given once in the
 * fragment, `/#token=…` (the CLI prints that URL), is kept for the browser session. The fragment is
 * never sent to the server, so the token stays out of its logs; `?token=` is still read, for old links.
 */
import { Lablog } from '@lablog/client';
import { Widget } from '@lumino/widgets';
import '../../style/index.css';
import '../../style/page.css';
import '../../style/auth.css';
import { SignInForm } from '../widgets/auth/SignInForm.js';
import { UserBadge } from '../widgets/auth/UserBadge.js';
import type { Navigator, ViewerContext } from '../widgets/context.js';
import { HashNavigator, PageShell } from './PageShell.js';

/** Takes a token from `#token=T` (optionally `#token=T&/route`) or `?token=T`, and forgets it from the address bar. */
function takeToken(): string | undefined {
  const url = new URL(location.href);
  const fragment = /^#token=([^&]*)&?(.*)$/.exec(url.hash);
  const given = fragment ? decodeURIComponent(fragment[1]!) : url.searchParams.get('token');
  if (given) {
    sessionStorage.setItem('lablog.token', given);
    url.searchParams.delete('token');
    const hash = fragment ? (fragment[2] ? `#${fragment[2]}` : '') : url.hash;
    history.replaceState(history.state, '', url.pathname + url.search + hash);
  }
  return sessionStorage.getItem('lablog.token') ?? undefined;
}

const token = takeToken();
// the agent is where the page is: at the root of its own origin, or under a proxy's path
// (`<jupyter base_url>lablog/`), so the API is reached relative to the page, never at `/`
const base = new URL('.', location.href).href.replace(/\/+$/, '');
const lablog = new Lablog({ url: base, ...(token ? { token } : {}), spoolDir: false, onError: null });
let shell: PageShell | null = null;
const nav: Navigator = new HashNavigator((route) => shell?.showRoute(route));
const ctx: ViewerContext = { lablog, query: lablog.query, nav };
/**
 * On a team server with users, nobody signed in gets the sign-in form first (the session cookie
 * then signs every request and the live channel in); a signed-in user sees who they are.
 */
async function start(): Promise<void> {
  const who = await lablog.access.whoami().catch(() => ({ auth: false, username: undefined, is_admin: undefined }));
  if (who.auth && !who.username) {
    Widget.attach(new SignInForm(lablog, () => location.reload()), document.body);
    return;
  }
  shell = new PageShell(ctx, who.username ? [new UserBadge(lablog, who.username, who.is_admin ?? false)] : []);
  Widget.attach(shell, document.body);
  window.addEventListener('resize', () => shell?.update());
  // a hook for tests and benchmarks: what the page is showing
  (window as unknown as { lablogPage: unknown }).lablogPage = { shell, ctx };
}
void start();

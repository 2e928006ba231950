/**
 * The standalone page the agent serves at `/`: lablog's widgets without JupyterLab. It talks to
 * the agent that served it (same origin) through the lablog client; a token given once as
 * `/?token=…` (the CLI prints that URL) is kept for the browser session.
 */
import { Lablog } from '@lablog/client';
import { Widget } from '@lumino/widgets';
import '../../style/index.css';
import '../../style/page.css';
import { HashNavigator, PageShell } from './PageShell.js';
function takeToken() {
    const url = new URL(location.href);
    const given = url.searchParams.get('token');
    if (given) {
        sessionStorage.setItem('lablog.token', given);
        url.searchParams.delete('token');
        history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    }
    return sessionStorage.getItem('lablog.token') ?? undefined;
}
const token = takeToken();
const lablog = new Lablog({ url: location.origin, ...(token ? { token } : {}), spoolDir: false, onError: null });
let shell = null;
const nav = new HashNavigator((route) => shell?.showRoute(route));
const ctx = { lablog, query: lablog.query, nav };
shell = new PageShell(ctx);
Widget.attach(shell, document.body);
window.addEventListener('resize', () => shell?.update());
// a hook for tests and benchmarks: what the page is showing
window.lablogPage = { shell, ctx };
//# sourceMappingURL=main.js.map
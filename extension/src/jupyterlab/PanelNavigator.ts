/**
 * Navigation inside the JupyterLab run panel: routes live in memory (a back stack), not in
 * the URL, which belongs to JupyterLab. Links the widgets render (`#/runs/<id>`) are caught by
 * the panel and shown in place.
 */
import { formatRoute, parseRoute, type Route } from '../widgets/routes.js';
import type { Navigator } from '../widgets/context.js';

/** An in-memory navigator with a back stack. */
export class PanelNavigator implements Navigator {
  private stack: Route[];

  constructor(
    home: Route,
    private readonly onChange: (r: Route) => void,
  ) {
    this.stack = [home];
  }

  get route(): Route {
    return this.stack[this.stack.length - 1]!;
  }

  /** Whether there is a view to go back to. */
  get canGoBack(): boolean {
    return this.stack.length > 1;
  }

  href(route: Route): string {
    return formatRoute(route);
  }

  go(route: Route, opts: { replace?: boolean } = {}): void {
    if (formatRoute(route) === formatRoute(this.route)) return;
    if (opts.replace) this.stack[this.stack.length - 1] = route;
    else this.stack.push(route);
    this.onChange(route);
  }

  /** Back to the previous view. */
  back(): void {
    if (!this.canGoBack) return;
    this.stack.pop();
    this.onChange(this.route);
  }

  /** Back to the first view, forgetting the rest. */
  home(route?: Route): void {
    this.stack = [route ?? this.stack[0]!];
    this.onChange(this.route);
  }

  /**
   * Handles a click on a lablog link (`href="#/…"`) inside `root`: shows it in place.
   * @returns the listener to attach to the root's `click` event
   */
  linkHandler(): (ev: MouseEvent) => void {
    return (ev) => {
      const a = (ev.target as Element | null)?.closest?.('a[href^="#/"]');
      if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey) return;
      ev.preventDefault();
      this.go(parseRoute(a.getAttribute('href') ?? '#/'));
    };
  }
}

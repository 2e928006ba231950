/**
 * ModelsView — the model registry: the list of registered models (`#/models`) and the page of
 * one model with its versions (`#/models/<name>?version=<v>`).
 *
 * Kept current by reading again every few seconds while it is on screen. Registry changes do
 * come over the live channel, but only to subscriptions of scope 'all' (they belong to no run
 * or experiment), and such a subscription also carries every metric point of every run — far
 * more traffic than one small registry read now and then.
 */
import { Panel } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import { ModelList } from './registry/ModelList.js';
import { ModelPage } from './registry/ModelPage.js';
import type { Route } from './routes.js';

/** How often the registry is read again while the view is visible. */
export const REGISTRY_REFRESH_MS = 3000;

/** The model registry: registered models, versions, aliases and stages. */
export class ModelsView extends Panel implements RoutedView {
  private current: ModelList | ModelPage | null = null;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible') this.tick();
  };

  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-models-view');
    this.setRoute(route);
    this.timer = setInterval(() => this.tick(), REGISTRY_REFRESH_MS);
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  setRoute(route: Route): boolean {
    if (route.view === 'models') {
      if (!(this.current instanceof ModelList)) this.replace(new ModelList(this.ctx));
      return true;
    }
    if (route.view === 'model') {
      if (this.current instanceof ModelPage && this.current.name === route.name) this.current.showVersion(route.version);
      else this.replace(new ModelPage(this.ctx, route.name, route.version));
      return true;
    }
    return false;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    super.dispose();
  }

  private replace(next: ModelList | ModelPage): void {
    this.current?.dispose();
    this.current = next;
    this.addWidget(next);
  }

  private tick(): void {
    if (!this.isVisible || document.visibilityState !== 'visible') return;
    void this.current?.refresh(true);
  }
}

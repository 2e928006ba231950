/**
 * ModelsView — the model registry: the list of registered models (`#/models`) and the page of
 * one model with its versions (`#/models/<name>?version=<v>`).
 *
 * Kept current by reading again when the live channel announces a registry change (a watch of
 * 'all' restricted to `registry` events: no metric traffic reaches it).
 */
import { Panel } from '@lumino/widgets';
import type { RoutedView, ViewerContext } from './context.js';
import { refreshOnChange } from './liveRefresh.js';
import { ModelList } from './registry/ModelList.js';
import { ModelPage } from './registry/ModelPage.js';
import type { Route } from './routes.js';

/** The model registry: registered models, versions, aliases and stages. */
export class ModelsView extends Panel implements RoutedView {
  private current: ModelList | ModelPage | null = null;
  private readonly stopWatching: () => void;

  constructor(
    private readonly ctx: ViewerContext,
    route: Route,
  ) {
    super();
    this.addClass('ll-models-view');
    this.setRoute(route);
    this.stopWatching = refreshOnChange(ctx, ['registry'], () => void this.current?.refresh(true));
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
    this.stopWatching();
    super.dispose();
  }

  private replace(next: ModelList | ModelPage): void {
    this.current?.dispose();
    this.current = next;
    this.addWidget(next);
  }
}

import { Panel, Widget } from '@lumino/widgets';
import { ArtifactBrowser } from './ArtifactBrowser.js';
import { ChartGrid } from './ChartGrid.js';
import { runLabel } from './format.js';
const TABS = [
    ['overview', 'Overview'],
    ['charts', 'Charts'],
    ['artifacts', 'Artifacts'],
];
/** The run page. */
export class RunView extends Panel {
    ctx;
    route;
    run = null;
    header = new Widget();
    tabBar = new Widget();
    body = new Panel();
    content = null;
    contentTab = null;
    constructor(ctx, route) {
        super();
        this.ctx = ctx;
        this.addClass('ll-run-view');
        this.route = route;
        this.header.addClass('ll-run-header');
        this.tabBar.addClass('ll-tabs');
        this.tabBar.node.setAttribute('role', 'tablist');
        this.body.addClass('ll-run-body');
        this.addWidget(this.header);
        this.addWidget(this.tabBar);
        this.addWidget(this.body);
        void this.load();
    }
    setRoute(route) {
        if (route.view !== 'run' || route.runId !== this.route.runId)
            return false;
        this.route = route;
        this.showTab();
        return true;
    }
    async load() {
        try {
            this.run = await this.ctx.query.getRun(this.route.runId);
        }
        catch (err) {
            this.header.node.innerHTML = '';
            const e = document.createElement('div');
            e.className = 'll-error';
            e.textContent = err.message;
            this.header.node.append(e);
            return;
        }
        this.renderHeader();
        this.showTab();
    }
    renderHeader() {
        const run = this.run;
        if (!run)
            return;
        const h = document.createElement('h1');
        h.textContent = runLabel(run);
        this.header.node.replaceChildren(h);
        this.tabBar.node.replaceChildren(...TABS.map(([tab, label]) => {
            const b = document.createElement('button');
            b.className = 'll-tab';
            b.setAttribute('role', 'tab');
            b.dataset.tab = tab;
            b.textContent = label;
            b.addEventListener('click', () => this.ctx.nav.go({ view: 'run', runId: this.route.runId, tab }));
            return b;
        }));
    }
    showTab() {
        if (!this.run)
            return;
        const tab = this.route.tab ?? 'overview';
        for (const b of this.tabBar.node.querySelectorAll('.ll-tab'))
            b.setAttribute('aria-selected', String(b.dataset.tab === tab));
        if (this.contentTab === tab && this.content) {
            if (this.content instanceof ArtifactBrowser)
                this.content.open(this.route.artifact);
            return;
        }
        this.content?.dispose();
        this.contentTab = tab;
        const runId = this.route.runId;
        if (tab === 'charts')
            this.content = new ChartGrid(this.ctx, { runIds: [runId] });
        else if (tab === 'artifacts')
            this.content = new ArtifactBrowser(this.ctx, {
                runId,
                ...(this.route.artifact ? { path: this.route.artifact } : {}),
                onOpen: (path) => this.ctx.nav.go({ view: 'run', runId, tab: 'artifacts', artifact: path }, { replace: true }),
            });
        else
            this.content = this.overview(this.run);
        this.body.addWidget(this.content);
    }
    /** Info, params, tags, dataset inputs, model versions. (To be filled in.) */
    overview(run) {
        const w = new Widget();
        w.addClass('ll-run-overview');
        w.node.textContent = JSON.stringify(run.info);
        return w;
    }
}
//# sourceMappingURL=RunView.js.map
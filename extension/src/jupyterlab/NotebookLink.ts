/**
 * Links one notebook's kernel to the agent, with no user code:
 *
 * 1. When the kernel starts or restarts, it asks the kernel what it runs on (a silent execute:
 *    interpreter, platform, key libraries, git state, packages), registers the session with
 *    the agent, then points the kernel's tracking clients at `<agent>/nb/<session>` (another
 *    silent execute). The agent tags every run created there with the notebook and kernel.
 *    While the agent is not running it retries with backoff; the kernel keeps working as if
 *    lablog were not there.
 * 2. While the kernel runs cells, it sends the notebook as it is in the editor (unsaved edits
 *    included) when a cell is sent to the kernel, when it starts and when it ends (each only
 *    when it changed), a record of each executed cell, and what each cell displayed (images,
 *    console text: CellOutputCapture, gathered as the messages arrive, sent once the cell is done,
 *    so the cell never waits for it); the agent keeps them as the snapshots, execution log,
 *    `figures/` and `logs/` of the runs active at the time.
 */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { Lablog } from '@lablog/client';
import { NOTEBOOK_PREFIX, type CellExecution, type RegisterSession } from '@lablog/schema';
import { CAPTURE_MEASURE, CellOutputCapture } from './CellOutputCapture.js';
import { parseReport, pythonLinkCode, pythonReportCode, PYTHON_REPORT_EXPRESSION, type KernelReport } from './kernelCode.js';
import type { LablogSettings } from './settings.js';

/** The current settings and client (both may change while the notebook is open), and when the settings were first read. */
export type LinkEnv = () => { settings: LablogSettings; lablog: Lablog; settingsRead: Promise<void> };

/** A cell execution seen on the kernel's channels. */
interface Execution {
  cellId: string | undefined;
  source: string;
  started: number;
  executionCount: number | null;
  status: 'ok' | 'error' | 'aborted';
  errorName?: string;
  /** What the cell displays, when the settings capture figures or logs. */
  outputs: CellOutputCapture | null;
}

/**
 * When the kernel sent `msg` (its header's date), in epoch ms: the kernel's clock, the one the runs
 * it starts are timed by — the page may read a message well after it was sent (a busy page, a
 * remote server), and a run started and ended within one cell must still fall inside the cell.
 * The page's clock when the header has no usable date.
 */
function kernelTime(msg: KernelMessage.IMessage): number {
  const t = Date.parse(msg.header.date);
  return Number.isFinite(t) ? t : Date.now();
}

/** The link of one notebook panel. */
export class NotebookLink {
  private kernel: Kernel.IKernelConnection | null = null;
  private linkedKernelId: string | null = null;
  private linking: Promise<void> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = 1000;
  private disposed = false;
  private readonly executions = new Map<string, Execution>();
  private lastSnapshot = '';
  /** The state the tests and the panel can read: `linked` once the kernel logs to the agent. */
  state: 'idle' | 'linking' | 'waiting-for-agent' | 'linked' | 'off' = 'idle';

  constructor(
    private readonly nb: NotebookPanel,
    private readonly env: LinkEnv,
  ) {
    const sc = nb.sessionContext;
    sc.kernelChanged.connect(() => this.watchKernel());
    sc.statusChanged.connect((_, status) => {
      // a restart loses the kernel's environment: link again once it is back
      if (status === 'restarting' || status === 'autorestarting') this.linkedKernelId = null;
      if ((status === 'idle' || status === 'busy') && this.linkedKernelId === null) this.scheduleLink(0);
    });
    void sc.ready.then(() => this.watchKernel());
  }

  /** The session id the agent knows this notebook by (JupyterLab's session id). */
  get sessionId(): string | null {
    const id = this.nb.sessionContext.session?.id;
    return id ? id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) : null;
  }

  /** Settings changed: link again (another agent, auto-attach switched on). */
  settingsChanged(): void {
    this.linkedKernelId = null;
    this.scheduleLink(0);
  }

  dispose(): void {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.kernel?.anyMessage.disconnect(this.onMessage, this);
  }

  private watchKernel(): void {
    const kernel = this.nb.sessionContext.session?.kernel ?? null;
    if (kernel === this.kernel) return;
    this.kernel?.anyMessage.disconnect(this.onMessage, this);
    this.kernel = kernel;
    this.linkedKernelId = null;
    kernel?.anyMessage.connect(this.onMessage, this);
    this.scheduleLink(0);
  }

  private scheduleLink(delay: number): void {
    if (this.disposed) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.linking ??= this.link().finally(() => (this.linking = null));
    }, delay);
  }

  private async link(): Promise<void> {
    // never link with the defaults when the user's settings name another agent
    await this.env().settingsRead;
    const { settings, lablog } = this.env();
    const kernel = this.kernel;
    const sessionId = this.sessionId;
    if (!settings.autoAttach) {
      this.state = 'off';
      return;
    }
    if (!kernel || !sessionId || this.linkedKernelId === kernel.id) return;
    this.state = 'linking';
    try {
      const info = await kernel.info;
      const language = (info.language_info?.name || 'unknown').toLowerCase();
      const python = language === 'python';
      const report = python ? await this.report(kernel, settings.capture.environment) : null;
      const body: RegisterSession = {
        notebook_path: this.nb.context.path,
        kernel: {
          ...(kernel.name ? { name: kernel.name } : {}),
          language,
          ...(info.language_info?.version ? { language_version: info.language_info.version } : {}),
          ...(info.implementation ? { implementation: info.implementation } : {}),
          ...(info.implementation_version ? { implementation_version: info.implementation_version } : {}),
        },
        ...(report?.python ? { python: report.python } : {}),
        ...(report?.git && settings.capture.environment ? { git: report.git } : {}),
        ...(report?.packages && settings.capture.environment ? { packages: report.packages } : {}),
      };
      const reply = await lablog.sessions.register(sessionId, body);
      // through the Jupyter server, the reply's URI names Jupyter's host: the kernel, on the
      // agent's machine, logs to the agent's own loopback URL instead (never through Jupyter)
      const direct = settings.agentUrl ? { url: settings.agentUrl, trackingUri: reply.tracking_uri } : await this.directUrl(lablog, sessionId);
      if (python) await this.silent(kernel, pythonLinkCode({ trackingUri: direct.trackingUri, agentUrl: direct.url, sessionId, token: settings.token }));
      if (this.kernel !== kernel) return;
      this.linkedKernelId = kernel.id;
      this.state = 'linked';
      this.retryDelay = 1000;
      this.lastSnapshot = '';
    } catch {
      // most likely the agent is not running (or the kernel went away): try again later
      this.state = 'waiting-for-agent';
      this.scheduleLink(this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
    }
  }

  private async directUrl(lablog: Lablog, sessionId: string): Promise<{ url: string; trackingUri: string }> {
    const { url } = await lablog.sessions.agentInfo();
    return { url, trackingUri: `${url}${NOTEBOOK_PREFIX}/${sessionId}` };
  }

  private async report(kernel: Kernel.IKernelConnection, environment: boolean): Promise<KernelReport | null> {
    const reply = await this.silent(kernel, pythonReportCode(environment), { info: PYTHON_REPORT_EXPRESSION });
    const expr = (reply.content as KernelMessage.IExecuteReply).user_expressions?.info as { status?: string; data?: Record<string, unknown> } | undefined;
    return expr?.status === 'ok' ? parseReport(expr.data?.['text/plain'] as string | undefined) : null;
  }

  /** Runs code with no output, no history and no execution count. */
  private silent(kernel: Kernel.IKernelConnection, code: string, userExpressions: Record<string, string> = {}): Promise<KernelMessage.IExecuteReplyMsg> {
    const future = kernel.requestExecute({ code, silent: true, store_history: false, allow_stdin: false, stop_on_error: false, user_expressions: userExpressions }, true);
    return future.done;
  }

  /** Follows cell executions on the kernel's channels (the UI's signals do not tell when a queued cell really starts). */
  private onMessage(_: Kernel.IKernelConnection, args: Kernel.IAnyMessageArgs): void {
    const msg = args.msg;
    const type = msg.header.msg_type;
    if (args.direction === 'send') {
      if (type !== 'execute_request') return;
      const content = msg.content as KernelMessage.IExecuteRequestMsg['content'];
      if (content.silent) return;
      const cellId = (msg.metadata as { cellId?: string } | undefined)?.cellId;
      const { figures, logs } = this.env().settings.capture;
      const outputs = this.state === 'linked' && (figures || logs) ? new CellOutputCapture({ figures, logs }) : null;
      this.executions.set(msg.header.msg_id, { cellId, source: content.code, started: 0, executionCount: null, status: 'ok', outputs });
      // the snapshot leaves before the request reaches the kernel: a run the cell starts finds it there
      this.sendSnapshot();
      return;
    }
    const parent = (msg.parent_header as Partial<KernelMessage.IHeader> | undefined)?.msg_id;
    const ex = parent ? this.executions.get(parent) : undefined;
    if (!ex || !parent) return;
    if (type === 'execute_input') {
      ex.started = kernelTime(msg);
      ex.executionCount = (msg.content as KernelMessage.IExecuteInputMsg['content']).execution_count ?? null;
      this.sendSnapshot();
    } else if (type === 'execute_reply') {
      const c = msg.content as KernelMessage.IExecuteReplyMsg['content'];
      ex.status = c.status === 'error' ? 'error' : c.status === 'aborted' ? 'aborted' : 'ok';
      if (c.status === 'error') ex.errorName = (c as KernelMessage.IReplyErrorContent).ename;
      if (c.status === 'aborted' && !ex.started) ex.started = kernelTime(msg);
      if ('execution_count' in c && typeof c.execution_count === 'number') ex.executionCount = c.execution_count;
    } else if (type === 'status') {
      if ((msg.content as KernelMessage.IStatusMsg['content']).execution_state !== 'idle') return;
      // idle after the request: every output of the cell has arrived
      this.executions.delete(parent);
      if (!ex.started) return;
      const ended = kernelTime(msg);
      this.sendSnapshot();
      this.sendExecution(ex, ended);
      this.sendOutputs(ex, ended);
    } else {
      // an output of the cell (the capture takes images and console text, nothing else)
      ex.outputs?.add(msg);
    }
  }

  private sendSnapshot(): void {
    const { settings, lablog } = this.env();
    const sessionId = this.sessionId;
    if (this.state !== 'linked' || !settings.capture.snapshots || !sessionId) return;
    const json = JSON.stringify(this.nb.content.model?.toJSON() ?? null);
    if (json === 'null' || json === this.lastSnapshot) return;
    this.lastSnapshot = json;
    lablog.sessions.putNotebook(sessionId, json).catch((err: unknown) => this.sendFailed(err));
  }

  private sendExecution(ex: Execution, ended: number): void {
    const { settings, lablog } = this.env();
    const sessionId = this.sessionId;
    if (this.state !== 'linked' || !settings.capture.executionLog || !sessionId) return;
    const record: CellExecution = {
      ...(ex.cellId ? { cell_id: ex.cellId } : {}),
      execution_count: ex.executionCount,
      source: ex.source,
      started: ex.started,
      ended,
      status: ex.status,
      ...(ex.errorName ? { error_name: ex.errorName } : {}),
    };
    lablog.sessions.logExecutions(sessionId, [record]).catch((err: unknown) => this.sendFailed(err));
  }

  private sendOutputs(ex: Execution, ended: number): void {
    const { lablog } = this.env();
    const sessionId = this.sessionId;
    if (this.state !== 'linked' || !ex.outputs || ex.outputs.isEmpty || !sessionId) return;
    const t0 = performance.now();
    const report = ex.outputs.report({ cellId: ex.cellId, executionCount: ex.executionCount, started: ex.started, ended });
    lablog.sessions.logOutputs(sessionId, report).catch((err: unknown) => this.sendFailed(err));
    // the page's cost of the capture (gathering + handing over; the request runs on its own), as a
    // User Timing entry: DevTools shows it, the bench reads it
    performance.measure(CAPTURE_MEASURE, { start: t0, duration: ex.outputs.spentMs + performance.now() - t0, detail: { images: report.images.length } });
  }

  /** The agent lost the session (a new store) or went away: register again. */
  private sendFailed(err: unknown): void {
    const code = (err as { code?: string }).code;
    if (code === 'RESOURCE_DOES_NOT_EXIST' || code === 'UNREACHABLE') {
      this.linkedKernelId = null;
      this.state = 'waiting-for-agent';
      this.scheduleLink(this.retryDelay);
    }
  }
}

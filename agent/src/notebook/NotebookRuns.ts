/**
 * What the agent adds to runs created under a notebook session's prefix, as files in each
 * run's artifact folder (see NOTEBOOK_ARTIFACTS in @lablog/schema):
 * - `notebook/start.ipynb`: the session's latest snapshot when the run is created, or the first
 *   one that arrives after;
 * - `notebook/end.ipynb`: the latest snapshot when the run ends, replaced once by the next one
 *   (the extension sends one when the ending cell finishes, with that cell's outputs);
 * - `notebook/execution_log.jsonl`: every cell executed while the run was active;
 * - `environment/packages.txt`: the session's packages, at creation;
 * - `figures/…` and `logs/console.log`: the images and console text of the cells run while the
 *   run was active (captured by the extension, see LogCellOutputs).
 * A run ended through a session's prefix gets its end snapshot from that request itself
 * (`runUpdated`, called by the route before it answers, so the reply means the file is stored).
 * Any other ending — the root API, another agent on the same database — is learnt from the
 * tracking store's change feed, whose listener only queues the work and never holds up the request
 * that committed the change; and since an agent can stop between a commit and that work, the
 * endings missed are caught up when the agent starts (`catchUp`). Both paths are one idempotent
 * step, so whichever comes first writes the file and the other finds nothing to do.
 * Writes to one run happen one after the other (a queue per run); a failed write is logged and
 * never fails the request that caused it: the user's logging must not break for a snapshot.
 */
import { createReadStream } from 'node:fs';
import {
  CAPTURE_ARTIFACTS as CAPTURE,
  figurePath,
  NOTEBOOK_ARTIFACTS as FILES,
  type CellExecution,
  type LogCellOutputs,
  type LogCellOutputsReply,
  type NotebookSnapshot,
  type RunStatus,
} from '@lablog/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { FileStore } from '../store/FileStore.js';
import type { ArtifactRepository } from '../artifacts/ArtifactRepository.js';
import type { ChangeFeed } from '../store/ChangeFeed.js';
import type { RunDoc } from '../store/records.js';
import type { TrackingStore } from '../store/TrackingStore.js';
import { consoleBlock } from './consoleBlock.js';
import { appendRunArtifact, writeRunArtifact } from './runArtifactFiles.js';
import type { RunLink, Session, SessionBook } from './SessionBook.js';
import { SESSION_TAG } from './sessionTags.js';

const ENDED: ReadonlySet<RunStatus> = new Set(['FINISHED', 'FAILED', 'KILLED']);

/** A cell as its execution-log line writes it (fields in a fixed order). */
function logLine(c: CellExecution): string {
  return `${JSON.stringify({
    ...(c.cell_id !== undefined ? { cell_id: c.cell_id } : {}),
    execution_count: c.execution_count,
    source: c.source,
    started: c.started,
    ended: c.ended,
    status: c.status,
    ...(c.error_name !== undefined ? { error_name: c.error_name } : {}),
  })}\n`;
}

/** The notebook side of runs: links runs to sessions and writes their notebook artifacts. */
export class NotebookRuns {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;
  private closed = false;
  private catching: Promise<void> = Promise.resolve();

  /**
   * @param store the folder of the runs' artifact files
   * @param artifacts where the snapshots and logs are written (the agent's artifact repository)
   * @param feed the tracking store's change feed (run endings committed anywhere)
   * @param log where failed writes are reported (the agent's logger)
   */
  constructor(
    private readonly store: FileStore,
    private readonly artifacts: ArtifactRepository,
    readonly sessions: SessionBook,
    feed: ChangeFeed,
    private readonly log: FastifyBaseLogger,
  ) {
    this.unsubscribe = feed.subscribe(({ event: e }) => {
      if (e.type !== 'run' || e.run.tags[SESSION_TAG] === undefined) return;
      const { run } = e;
      const status = run.info.status; // the document may be live: take the status this change committed
      // after the request that committed it has had its turn: a prefix request writes its own end
      // snapshot (runUpdated) and must not queue behind this listener; this then finds it done
      // (once closed, the next start's catchUp writes it)
      setImmediate(() => {
        if (!this.closed) void this.reconcile(run, status);
      });
    });
  }

  /** Runs `task` after those queued for `runId`; resolves when it is done, never rejects. */
  private enqueue(runId: string, what: string, task: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(runId) ?? Promise.resolve()).then(task).catch((err: unknown) => {
      this.log.warn({ err, runId }, `notebook: ${what} failed`);
    });
    this.queues.set(runId, next);
    void next.then(() => {
      if (this.queues.get(runId) === next) this.queues.delete(runId);
    });
    return next;
  }

  /** Resolves once every queued write is done. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /**
   * Links a run just created under session `sessionId`'s prefix: records it in the session and
   * writes its start snapshot and package list. Nothing happens for an unknown session, or a run
   * already linked (created again by its client id). Never rejects.
   */
  runCreated(sessionId: string, run: RunDoc): Promise<void> {
    const runId = run.info.run_id;
    return this.enqueue(runId, 'linking a run to its notebook', async () => {
      const session = await this.sessions.find(sessionId);
      if (!session || session.doc.runs.some((r) => r.run_id === runId)) return;
      const link: RunLink = { run_id: runId, start: false, end: 'open' };
      session.doc.runs.push(link);
      await session.save();
      if (session.doc.snapshot_time !== null) {
        await writeRunArtifact(this.store, this.artifacts, runId, FILES.start, createReadStream(session.snapshotPath));
        link.start = true;
        await session.save();
      }
      if (session.doc.package_count !== undefined) await writeRunArtifact(this.store, this.artifacts, runId, FILES.packages, createReadStream(session.packagesPath));
    });
  }

  /**
   * A run just updated through a session's prefix (the request's own step, before its reply):
   * an ending writes `end.ipynb`. Resolves when it is stored; never rejects.
   */
  runUpdated(run: RunDoc): Promise<void> {
    return this.reconcile(run, run.info.status);
  }

  /**
   * Writes the end snapshots of session runs that ended while no one wrote them (the agent
   * stopped between the commit and the write). Called once when the agent starts; resolves when
   * done, never rejects.
   */
  catchUp(tracking: Pick<TrackingStore, 'getRun'>): Promise<void> {
    this.catching = this.catchUpNow(tracking);
    return this.catching;
  }

  private async catchUpNow(tracking: Pick<TrackingStore, 'getRun'>): Promise<void> {
    try {
      for (const id of await this.sessions.ids()) {
        const session = await this.sessions.find(id);
        for (const link of session?.doc.runs ?? []) {
          if (this.closed) return;
          if (link.end !== 'open') continue;
          const run = await tracking.getRun(link.run_id).catch(() => null);
          if (run && ENDED.has(run.info.status)) await this.reconcile(run, run.info.status);
        }
      }
    } catch (err) {
      this.log.warn({ err }, 'notebook: catching up end snapshots failed');
    }
  }

  /**
   * Brings a session run's end snapshot in line with its status: an ending writes `end.ipynb`
   * once; a run resumed (RUNNING again) will get a new one. Idempotent; never rejects.
   */
  private reconcile(run: RunDoc, status: RunStatus): Promise<void> {
    const sessionId = run.tags[SESSION_TAG];
    if (sessionId === undefined) return Promise.resolve();
    const runId = run.info.run_id;
    return this.enqueue(runId, 'writing the end snapshot', async () => {
      const session = await this.sessions.find(sessionId);
      const link = session?.doc.runs.find((r) => r.run_id === runId);
      if (!session || !link) return;
      if (ENDED.has(status) && link.end === 'open') {
        link.end = 'awaiting';
        await session.save();
        if (session.doc.snapshot_time !== null) {
          await writeRunArtifact(this.store, this.artifacts, runId, FILES.end, createReadStream(session.snapshotPath));
        }
      } else if (status === 'RUNNING' && link.end !== 'open') {
        link.end = 'open';
        await session.save();
      }
    });
  }

  /**
   * Keeps `notebook` as the session's latest snapshot, then gives it to the runs waiting for
   * one: as `start.ipynb` to those that have none, as the final `end.ipynb` to those that ended.
   * Resolves when those files are written.
   */
  async snapshot(session: Session, notebook: NotebookSnapshot): Promise<void> {
    const text = `${JSON.stringify(notebook, null, 1)}\n`;
    await session.saveSnapshot(text, Date.now());
    const waiting = session.doc.runs.filter((l) => !l.start || l.end === 'awaiting');
    await Promise.all(
      waiting.map((link) =>
        // checked again inside the queue: a creation or an ending queued before may have settled it
        this.enqueue(link.run_id, 'writing a notebook snapshot', async () => {
          const start = !link.start;
          const end = link.end === 'awaiting';
          if (start) await writeRunArtifact(this.store, this.artifacts, link.run_id, FILES.start, text);
          if (end) await writeRunArtifact(this.store, this.artifacts, link.run_id, FILES.end, text);
          if (start) link.start = true;
          if (end) link.end = 'final';
          if (start || end) await session.save();
        }),
      ),
    );
  }

  /**
   * The runs of the session whose active period (start time to end time, or now) overlaps
   * `cell`'s run time: those a cell's record and outputs belong to. A run that is gone has none.
   */
  private runsActiveDuring(session: Session, cells: readonly { started: number; ended: number }[]): Array<{ runId: string; cells: number[] }> {
    const now = Date.now();
    const found: Array<{ runId: string; cells: number[] }> = [];
    for (const link of session.doc.runs) {
      let info;
      try {
        info = this.store.getRun(link.run_id).info;
      } catch {
        continue;
      }
      const from = info.start_time;
      const to = info.end_time ?? now;
      const hits = cells.flatMap((c, i) => (c.started <= to && c.ended >= from ? [i] : []));
      if (hits.length > 0) found.push({ runId: link.run_id, cells: hits });
    }
    return found;
  }

  /**
   * Appends each cell to the execution log of every run of the session that was active while it
   * ran (see runsActiveDuring), in the order given.
   * @returns the runs whose log got at least one cell
   */
  async executions(session: Session, cells: readonly CellExecution[]): Promise<string[]> {
    const runs = this.runsActiveDuring(session, cells);
    await Promise.all(
      runs.map(({ runId, cells: hits }) => {
        const lines = hits.map((i) => logLine(cells[i]!)).join('');
        return this.enqueue(runId, 'appending to the execution log', () => appendRunArtifact(this.store, this.artifacts, runId, FILES.executionLog, lines));
      }),
    );
    return runs.map((r) => r.runId);
  }

  /**
   * Stores what a finished cell displayed in every run of the session active while it ran: its
   * images as `figures/cell-<n>-<k>.<ext>`, its console text appended to `logs/console.log`.
   * @returns the runs that got them and the paths written in each
   */
  async outputs(session: Session, cell: LogCellOutputs): Promise<LogCellOutputsReply> {
    const runs = this.runsActiveDuring(session, [cell]).map((r) => r.runId);
    const figures = cell.images.map((img, i) => ({
      path: figurePath(cell.execution_count, i + 1, img.mime, cell.started),
      bytes: img.mime === 'image/svg+xml' ? Buffer.from(img.data, 'utf8') : Buffer.from(img.data, 'base64'),
    }));
    const text = consoleBlock(cell);
    const paths = [...figures.map((f) => f.path), ...(text ? [CAPTURE.consoleLog] : [])];
    await Promise.all(
      runs.map((runId) =>
        this.enqueue(runId, 'storing a cell\'s outputs', async () => {
          for (const f of figures) await writeRunArtifact(this.store, this.artifacts, runId, f.path, f.bytes);
          if (text) await appendRunArtifact(this.store, this.artifacts, runId, CAPTURE.consoleLog, text);
        }),
      ),
    );
    return { run_ids: runs, paths: runs.length > 0 ? paths : [] };
  }

  /** Stops following the store and waits for the writes under way. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await this.catching;
    await this.idle();
  }
}

/**
 * Notebook sessions on disk, one folder each (a write touches only its session):
 *   sessions/<id>/session.json     what the extension registered, and the session's runs (lowdb)
 *   sessions/<id>/notebook.ipynb   the latest snapshot of the notebook
 * Sessions are read on first use, not when the store opens, so a store that saw thousands of
 * kernels starts as fast as an empty one.
 */
import { Low } from 'lowdb';
import { DataFile, TextFile } from 'lowdb/node';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SESSION_ID_PATTERN, type NotebookSession, type RegisterSession } from '@lablog/schema';
import { stringifyDoc } from '../store/jsonCodec.js';

/**
 * Where a run stands with respect to its notebook snapshots:
 * `start` — `notebook/start.ipynb` written; `end` — `open` while the run runs, `awaiting` once it
 * ended (its `end.ipynb`, if any, is the snapshot from before the ending cell finished), `final`
 * once the snapshot that followed the end replaced it.
 */
export interface RunLink {
  run_id: string;
  start: boolean;
  end: 'open' | 'awaiting' | 'final';
}

/** The document `sessions/<id>/session.json`. */
export interface SessionDoc extends RegisterSession {
  session_id: string;
  created_time: number;
  updated_time: number;
  /** Epoch ms of the latest snapshot, null before the first. */
  snapshot_time: number | null;
  /** Runs created under the session's prefix, oldest first. */
  runs: RunLink[];
}

/** One session: its document (mutate, then `save()`) and its snapshot file. */
export class Session {
  private readonly snapshotFile: TextFile;

  constructor(
    readonly dir: string,
    private readonly db: Low<SessionDoc>,
  ) {
    this.snapshotFile = new TextFile(join(dir, 'notebook.ipynb'));
  }

  /** The live document. */
  get doc(): SessionDoc {
    return this.db.data;
  }

  /** Path of the latest snapshot (exists once `doc.snapshot_time` is set). */
  get snapshotPath(): string {
    return join(this.dir, 'notebook.ipynb');
  }

  /** Writes the document (atomically; overlapping saves are merged). */
  save(): Promise<void> {
    return this.db.write();
  }

  /** Replaces the latest snapshot with `text` (atomically) and records when. */
  async saveSnapshot(text: string, now: number): Promise<void> {
    await this.snapshotFile.write(text);
    this.doc.snapshot_time = now;
    await this.save();
  }

  /** The session as `GET /api/2.0/lablog/sessions/<id>` answers it. */
  toWire(): NotebookSession {
    const d = this.doc;
    return {
      session_id: d.session_id,
      notebook_path: d.notebook_path,
      kernel: d.kernel,
      ...(d.python ? { python: d.python } : {}),
      ...(d.git ? { git: d.git } : {}),
      ...(d.packages ? { packages: d.packages } : {}),
      created_time: d.created_time,
      updated_time: d.updated_time,
      ...(d.snapshot_time !== null ? { snapshot_time: d.snapshot_time } : {}),
      run_ids: d.runs.map((r) => r.run_id),
    };
  }
}

const SESSION_ID = new RegExp(SESSION_ID_PATTERN);

/** True for a well-formed session id (safe as a folder name). */
export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

function sessionFile(dir: string): DataFile<SessionDoc> {
  return new DataFile<SessionDoc>(join(dir, 'session.json'), { parse: (s) => JSON.parse(s) as SessionDoc, stringify: stringifyDoc });
}

/** The sessions of a store. */
export class SessionBook {
  private readonly loaded = new Map<string, Session>();
  private readonly loading = new Map<string, Promise<Session | null>>();

  private constructor(private readonly root: string) {}

  /** The sessions of the store at `storeDir` (folder `sessions/`, created when absent). */
  static async open(storeDir: string): Promise<SessionBook> {
    const root = join(storeDir, 'sessions');
    await mkdir(root, { recursive: true });
    return new SessionBook(root);
  }

  /** The session `id`, or null when it was never registered (or `id` cannot be a session id). */
  async find(id: string): Promise<Session | null> {
    if (!isSessionId(id)) return null;
    const hit = this.loaded.get(id);
    if (hit) return hit;
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.read(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  private async read(id: string): Promise<Session | null> {
    const dir = join(this.root, id);
    const data = await sessionFile(dir).read();
    if (data === null) return null;
    // registered while this read was under way: that one is the session
    const registered = this.loaded.get(id);
    if (registered) return registered;
    data.runs ??= [];
    data.snapshot_time ??= null;
    const session = new Session(dir, new Low(sessionFile(dir), data));
    this.loaded.set(id, session);
    return session;
  }

  /**
   * Registers session `id`, or replaces what is known of it (a renamed notebook, a restarted
   * kernel); its runs and snapshot are kept.
   * @param id a checked id (the route validates it against SESSION_ID_PATTERN)
   */
  async register(id: string, info: RegisterSession, now: number): Promise<Session> {
    const fields: RegisterSession = {
      notebook_path: info.notebook_path,
      kernel: info.kernel,
      ...(info.python ? { python: info.python } : {}),
      ...(info.git ? { git: info.git } : {}),
      ...(info.packages ? { packages: info.packages } : {}),
    };
    let session = (await this.find(id)) ?? this.loaded.get(id);
    if (session) {
      const d = session.doc;
      delete d.python;
      delete d.git;
      delete d.packages;
      Object.assign(d, fields, { updated_time: now });
    } else {
      const dir = join(this.root, id);
      await mkdir(dir, { recursive: true });
      // another registration of the same new id may have finished meanwhile
      session = this.loaded.get(id);
      if (session) return this.register(id, info, now);
      const doc: SessionDoc = { session_id: id, ...fields, created_time: now, updated_time: now, snapshot_time: null, runs: [] };
      session = new Session(dir, new Low(sessionFile(dir), doc));
      this.loaded.set(id, session);
    }
    await session.save();
    return session;
  }
}

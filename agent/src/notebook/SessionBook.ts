/**
 * Notebook sessions on disk, one folder each (a write touches only its session):
 *   sessions/<id>/session.json     what the extension registered, and the session's runs
 *   sessions/<id>/packages.txt     the session's package list, one per line (read when a run needs it)
 *   sessions/<id>/notebook.ipynb   the latest snapshot of the notebook
 * Every file is written durably (flushed, renamed, folder flushed) before the request that
 * changed it is answered.
 *
 * Sessions are read on first use, not when the store opens, and memory holds only the most
 * recently used ones (`maxLoaded`) besides those in use: a store that saw thousands of kernels
 * starts as fast as an empty one and costs no more memory. A session still referenced (a
 * request or a queued write holds it) or still being saved is found again as the same object,
 * so two copies of one session never exist at once.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SESSION_ID_PATTERN, type NotebookSession, type RegisterSession } from '@lablog/schema';
import { stringifyDoc } from '../store/jsonCodec.js';
import { DurableTextFile, syncFolder } from './DurableTextFile.js';

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

/** The document `sessions/<id>/session.json`. The package list is in `packages.txt`, not here. */
export interface SessionDoc extends Omit<RegisterSession, 'packages'> {
  session_id: string;
  created_time: number;
  updated_time: number;
  /** Epoch ms of the latest snapshot, null before the first. */
  snapshot_time: number | null;
  /** Runs created under the session's prefix, oldest first. */
  runs: RunLink[];
  /** Number of packages in `packages.txt`; absent when the session registered none. */
  package_count?: number;
}

/** Sessions held in memory besides those in use. */
export const MAX_LOADED_SESSIONS = 256;

/** One session: its document (mutate, then `save()`), its package list and its snapshot file. */
export class Session {
  private readonly docFile: DurableTextFile;
  private readonly snapshotFile: DurableTextFile;
  private readonly packagesFile: DurableTextFile;

  constructor(
    readonly dir: string,
    private data: SessionDoc,
    private readonly saving: (s: Session, busy: boolean) => void,
  ) {
    this.docFile = new DurableTextFile(join(dir, 'session.json'));
    this.snapshotFile = new DurableTextFile(join(dir, 'notebook.ipynb'));
    this.packagesFile = new DurableTextFile(join(dir, 'packages.txt'));
  }

  /** The live document. */
  get doc(): SessionDoc {
    return this.data;
  }

  /** Path of the latest snapshot (exists once `doc.snapshot_time` is set). */
  get snapshotPath(): string {
    return this.snapshotFile.path;
  }

  /** Path of the package list, one per line (exists once `doc.package_count` is set). */
  get packagesPath(): string {
    return this.packagesFile.path;
  }

  /** Runs `write` with the session kept in memory until it is done (see SessionBook). */
  private async held(write: () => Promise<void>): Promise<void> {
    this.saving(this, true);
    try {
      await write();
    } finally {
      this.saving(this, false);
    }
  }

  /** Writes the document durably; overlapping saves are merged. */
  save(): Promise<void> {
    return this.held(() => this.docFile.write(stringifyDoc(this.data)));
  }

  /** Replaces the latest snapshot with `text` (durably) and records when. */
  async saveSnapshot(text: string, now: number): Promise<void> {
    await this.held(() => this.snapshotFile.write(text));
    this.doc.snapshot_time = now;
    await this.save();
  }

  /** Replaces the package list (durably); `undefined` or empty removes it from the document. */
  async savePackages(packages: readonly string[] | undefined): Promise<void> {
    if (packages && packages.length > 0) {
      await this.held(() => this.packagesFile.write(`${packages.join('\n')}\n`));
      this.doc.package_count = packages.length;
    } else {
      delete this.doc.package_count;
    }
  }

  /** The package list, or undefined when the session registered none. */
  async packages(): Promise<string[] | undefined> {
    if (this.doc.package_count === undefined) return undefined;
    const text = await this.packagesFile.read();
    return text === null ? undefined : text.split('\n').slice(0, -1);
  }

  /** The session as `GET /api/2.0/lablog/sessions/<id>` answers it. */
  async toWire(): Promise<NotebookSession> {
    const d = this.doc;
    const packages = await this.packages();
    return {
      session_id: d.session_id,
      notebook_path: d.notebook_path,
      kernel: d.kernel,
      ...(d.python ? { python: d.python } : {}),
      ...(d.git ? { git: d.git } : {}),
      ...(packages ? { packages } : {}),
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

/** The sessions of a store. */
export class SessionBook {
  /** Recently used sessions, least recent first (a Map keeps insertion order). */
  private readonly recent = new Map<string, Session>();
  /** Every session object that may still be referenced, weakly: found again while in use. */
  private readonly known = new Map<string, WeakRef<Session>>();
  private readonly forget = new FinalizationRegistry<string>((id) => {
    if (this.known.get(id)?.deref() === undefined) this.known.delete(id);
  });
  /** Sessions with a write under way, and how many: kept in memory until it is done. */
  private readonly writing = new Map<Session, number>();
  private readonly loading = new Map<string, Promise<Session | null>>();

  private constructor(
    private readonly root: string,
    private readonly maxLoaded: number,
  ) {}

  /**
   * The sessions of the store at `storeDir` (folder `sessions/`, created when absent).
   * @param maxLoaded sessions kept in memory besides those in use (default MAX_LOADED_SESSIONS)
   */
  static async open(storeDir: string, maxLoaded = MAX_LOADED_SESSIONS): Promise<SessionBook> {
    const root = join(storeDir, 'sessions');
    await mkdir(root, { recursive: true });
    return new SessionBook(root, maxLoaded);
  }

  /** The ids of every registered session (their folders), in no particular order. */
  async ids(): Promise<string[]> {
    return (await readdir(this.root)).filter(isSessionId);
  }

  /** Sessions held in memory now (recently used, plus those still referenced or being written that the collector has not reclaimed). */
  get loadedCount(): number {
    return this.known.size;
  }

  /** Marks `s` as just used, dropping the least recently used beyond the limit. */
  private touch(id: string, s: Session): Session {
    this.recent.delete(id);
    this.recent.set(id, s);
    if (!this.known.has(id) || this.known.get(id)!.deref() !== s) {
      this.known.set(id, new WeakRef(s));
      this.forget.register(s, id);
    }
    while (this.recent.size > this.maxLoaded) {
      const oldest = this.recent.keys().next().value as string;
      this.recent.delete(oldest);
    }
    return s;
  }

  private readonly onSaving = (s: Session, busy: boolean) => {
    const n = (this.writing.get(s) ?? 0) + (busy ? 1 : -1);
    if (n > 0) this.writing.set(s, n);
    else this.writing.delete(s);
  };

  /** The session `id` if it is in memory. */
  private inMemory(id: string): Session | undefined {
    return this.recent.get(id) ?? this.known.get(id)?.deref();
  }

  /** The session `id`, or null when it was never registered (or `id` cannot be a session id). */
  async find(id: string): Promise<Session | null> {
    if (!isSessionId(id)) return null;
    const hit = this.inMemory(id);
    if (hit) return this.touch(id, hit);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.read(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  private async read(id: string): Promise<Session | null> {
    const dir = join(this.root, id);
    let text: string;
    try {
      text = await readFile(join(dir, 'session.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    // registered while this read was under way: that one is the session
    const registered = this.inMemory(id);
    if (registered) return this.touch(id, registered);
    const data = JSON.parse(text) as SessionDoc & { packages?: string[] };
    data.runs ??= [];
    data.snapshot_time ??= null;
    const session = new Session(dir, data, this.onSaving);
    this.touch(id, session);
    if (data.packages !== undefined) {
      // written before package lists had a file of their own: moved there
      const packages = data.packages;
      delete data.packages;
      await session.savePackages(packages);
      await session.save();
    }
    return session;
  }

  /**
   * Registers session `id`, or replaces what is known of it (a renamed notebook, a restarted
   * kernel); its runs and snapshot are kept.
   * @param id a checked id (the route validates it against SESSION_ID_PATTERN)
   */
  async register(id: string, info: RegisterSession, now: number): Promise<Session> {
    const fields: Omit<RegisterSession, 'packages'> = {
      notebook_path: info.notebook_path,
      kernel: info.kernel,
      ...(info.python ? { python: info.python } : {}),
      ...(info.git ? { git: info.git } : {}),
    };
    let session = (await this.find(id)) ?? this.inMemory(id);
    if (session) {
      const d = session.doc;
      delete d.python;
      delete d.git;
      Object.assign(d, fields, { updated_time: now });
    } else {
      const dir = join(this.root, id);
      if ((await mkdir(dir, { recursive: true })) !== undefined) await syncFolder(this.root); // the new folder's name is durable too
      // another registration of the same new id may have finished meanwhile
      session = this.inMemory(id);
      if (session) return this.register(id, info, now);
      const doc: SessionDoc = { session_id: id, ...fields, created_time: now, updated_time: now, snapshot_time: null, runs: [] };
      session = this.touch(id, new Session(dir, doc, this.onSaving));
    }
    await session.savePackages(info.packages);
    await session.save();
    return session;
  }
}

/**
 * Notebook sessions: how the JupyterLab extension links a notebook's kernel to the agent.
 *
 * When a kernel starts, the extension registers its session (`PUT /api/2.0/lablog/sessions/<id>`)
 * and sets the tracking URI the agent answers (`http://<agent>/nb/<id>`) in the kernel. Runs
 * created under that prefix are tagged with the notebook and the kernel, get the notebook's
 * snapshots (`PUT …/<id>/notebook`) as artifacts, and an execution log of the cells run while
 * they were active (`POST …/<id>/executions`).
 */
import { Type, type Static } from 'typebox';

/** A session id: chosen by the extension, safe as a path segment and a folder name. */
export const SESSION_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

/** The path prefix under which the agent serves the whole MLflow API for a session: `/nb/<id>`. */
export const NOTEBOOK_PREFIX = '/nb';

/** Route params of the session endpoints. */
export const SessionParams = Type.Object({ session: Type.String({ pattern: SESSION_ID_PATTERN }) }, { $id: 'lablog.SessionParams' });
export type SessionParams = Static<typeof SessionParams>;

/** The kernel, from its `kernel_info` reply (`language_info`, `implementation`). */
export const KernelInfo = Type.Object({
  /** Kernel spec name, e.g. `python3`. */
  name: Type.Optional(Type.String({ maxLength: 200 })),
  language: Type.String({ minLength: 1, maxLength: 200 }),
  language_version: Type.Optional(Type.String({ maxLength: 200 })),
  implementation: Type.Optional(Type.String({ maxLength: 200 })),
  implementation_version: Type.Optional(Type.String({ maxLength: 200 })),
});
export type KernelInfo = Static<typeof KernelInfo>;

/** A library name as a tag-name segment (`lablog.lib.<name>`). */
const LIBRARY_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$';

/** What a Python kernel reports about itself. */
export const PythonInfo = Type.Object({
  /** Interpreter version, e.g. `3.11.4`. */
  version: Type.String({ maxLength: 200 }),
  /** `platform.platform()`. */
  platform: Type.String({ maxLength: 500 }),
  hostname: Type.String({ maxLength: 500 }),
  /** The kernel's process id (`os.getpid()`): the root of the process tree whose CPU and memory a run's system metrics follow. */
  pid: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Versions of the key libraries present (numpy, pandas, torch, …), by distribution name. */
  libraries: Type.Record(Type.String({ pattern: LIBRARY_NAME_PATTERN }), Type.String({ maxLength: 200 }), { additionalProperties: false, maxProperties: 1000 }),
});
export type PythonInfo = Static<typeof PythonInfo>;

/** The git state of the notebook's folder, when it is in a repository. */
export const GitInfo = Type.Object({
  commit: Type.String({ minLength: 1, maxLength: 100 }),
  branch: Type.Optional(Type.String({ maxLength: 500 })),
  /** The remote's URL (`origin`). */
  remote: Type.Optional(Type.String({ maxLength: 2000 })),
  /** Uncommitted changes in the working tree. */
  dirty: Type.Boolean(),
});
export type GitInfo = Static<typeof GitInfo>;

/** Body of `PUT /api/2.0/lablog/sessions/<id>`: registers the session, or replaces what is known of it. */
export const RegisterSession = Type.Object(
  {
    /** The notebook's path, relative to the Jupyter server's root. */
    notebook_path: Type.String({ minLength: 1, maxLength: 4000 }),
    kernel: KernelInfo,
    python: Type.Optional(PythonInfo),
    git: Type.Optional(GitInfo),
    /**
     * Installed packages, `name==version` lines (`pip freeze` style); stored as each run's
     * `environment/packages.txt`. A large environment lists a few thousand; the caps keep one
     * registration's cost bounded (see also the route's body limit).
     */
    packages: Type.Optional(Type.Array(Type.String({ maxLength: 1000, pattern: '^[^\\n]*$' }), { maxItems: 20_000 })),
  },
  { $id: 'lablog.RegisterSession' },
);
export type RegisterSession = Static<typeof RegisterSession>;

/** Reply of the registration: the tracking URI to set in the kernel. */
export const RegisterSessionReply = Type.Object(
  {
    session_id: Type.String(),
    /** `<scheme>://<host of the request>/nb/<id>`, e.g. `http://127.0.0.1:5454/nb/abc`. */
    tracking_uri: Type.String(),
  },
  { $id: 'lablog.RegisterSessionReply' },
);
export type RegisterSessionReply = Static<typeof RegisterSessionReply>;

/** Reply of `GET /api/2.0/lablog/sessions/<id>`: what is known of the session, and its runs. */
export const NotebookSession = Type.Object(
  {
    session_id: Type.String(),
    notebook_path: Type.String(),
    kernel: KernelInfo,
    python: Type.Optional(PythonInfo),
    git: Type.Optional(GitInfo),
    packages: Type.Optional(Type.Array(Type.String())),
    /** Epoch ms of the first registration, and of the latest one. */
    created_time: Type.Integer(),
    updated_time: Type.Integer(),
    /** Epoch ms of the latest notebook snapshot; absent before the first one. */
    snapshot_time: Type.Optional(Type.Integer()),
    /** The runs created under the session's prefix, oldest first. */
    run_ids: Type.Array(Type.String()),
  },
  { $id: 'lablog.NotebookSession' },
);
export type NotebookSession = Static<typeof NotebookSession>;

/**
 * Body of `PUT /api/2.0/lablog/sessions/<id>/notebook`: the notebook as it is in the editor,
 * unsaved edits included, as nbformat 4 JSON. Checked loosely (nbformat 4, a list of cells
 * that each have a type); the rest is kept as sent.
 */
export const NotebookSnapshot = Type.Object(
  {
    nbformat: Type.Literal(4),
    nbformat_minor: Type.Optional(Type.Integer({ minimum: 0 })),
    metadata: Type.Optional(Type.Object({})),
    cells: Type.Array(Type.Object({ cell_type: Type.String() })),
  },
  { $id: 'lablog.NotebookSnapshot' },
);
export type NotebookSnapshot = Static<typeof NotebookSnapshot>;

/** How a cell's execution ended. `aborted`: interrupted, or skipped after an earlier error. */
export const CellStatus = Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('aborted')]);
export type CellStatus = Static<typeof CellStatus>;

/** One executed cell: a line of a run's `notebook/execution_log.jsonl`. */
export const CellExecution = Type.Object({
  /** The cell's nbformat id. */
  cell_id: Type.Optional(Type.String({ maxLength: 200 })),
  execution_count: Type.Union([Type.Integer(), Type.Null()]),
  source: Type.String(),
  /** Epoch ms when the cell started and finished running. */
  started: Type.Integer({ minimum: 0 }),
  ended: Type.Integer({ minimum: 0 }),
  status: CellStatus,
  /** The exception's name when `status` is `error`, e.g. `ValueError`. */
  error_name: Type.Optional(Type.String({ maxLength: 500 })),
});
export type CellExecution = Static<typeof CellExecution>;

/**
 * Body of `POST /api/2.0/lablog/sessions/<id>/executions`: cells that finished running. Each
 * is appended to the execution log of every run of the session whose active period (start to
 * end, or now) overlaps the cell's.
 */
export const LogExecutions = Type.Object({ cells: Type.Array(CellExecution, { maxItems: 10_000 }) }, { $id: 'lablog.LogExecutions' });
export type LogExecutions = Static<typeof LogExecutions>;

/** Reply of `executions`: the runs whose log got at least one of the cells. */
export const LogExecutionsReply = Type.Object({ run_ids: Type.Array(Type.String()) }, { $id: 'lablog.LogExecutionsReply' });
export type LogExecutionsReply = Static<typeof LogExecutionsReply>;

/** Artifact paths the agent writes into a notebook-linked run. */
export const NOTEBOOK_ARTIFACTS = {
  /** The notebook when the run started (or the first snapshot after). */
  start: 'notebook/start.ipynb',
  /** The notebook when the run ended, replaced once by the snapshot that follows the end (the ending cell's outputs). */
  end: 'notebook/end.ipynb',
  /** One CellExecution JSON per line, in the order received. */
  executionLog: 'notebook/execution_log.jsonl',
  /** The session's `packages`, one per line. */
  packages: 'environment/packages.txt',
} as const;

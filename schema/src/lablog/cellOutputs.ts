/**
 * What a notebook cell displayed, captured with no user code: the JupyterLab extension sees every
 * output of the cells it sends to the kernel and reports, once a cell is done, the images it
 * displayed and its console text (`POST /api/2.0/lablog/sessions/<id>/outputs`). The agent stores
 * them in each run of the session that was active while the cell ran (the execution log's rule):
 * images as `figures/cell-<execution count>-<order>.<ext>`, text appended to `logs/console.log`.
 */
import { Type, type Static } from 'typebox';

/** Image types captured as figures, and the extension each is stored with. */
export const FIGURE_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' } as const;
export type FigureType = keyof typeof FIGURE_TYPES;

/** The largest image kept, in characters of its data (base64 or SVG text). */
export const MAX_FIGURE_DATA = 24 * 1024 * 1024;

/** One image a cell displayed (a `display_data` or `execute_result` output). */
export const CellImage = Type.Object({
  mime: Type.Union([Type.Literal('image/png'), Type.Literal('image/jpeg'), Type.Literal('image/svg+xml')]),
  /** Base64 for PNG and JPEG (as Jupyter sends them), the SVG text for SVG. */
  data: Type.String({ minLength: 1, maxLength: MAX_FIGURE_DATA }),
});
export type CellImage = Static<typeof CellImage>;

/** Where a piece of console text came from. */
export const ConsoleStream = Type.Union([Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('error')]);
export type ConsoleStream = Static<typeof ConsoleStream>;

/** A piece of console text, in the order the cell printed it (an error's traceback, without terminal colours). */
export const ConsoleText = Type.Object({ stream: ConsoleStream, text: Type.String({ maxLength: 8 * 1024 * 1024 }) });
export type ConsoleText = Static<typeof ConsoleText>;

/** Body of `POST /api/2.0/lablog/sessions/<id>/outputs`: the captured outputs of one finished cell. */
export const LogCellOutputs = Type.Object(
  {
    cell_id: Type.Optional(Type.String({ maxLength: 200 })),
    execution_count: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    /** Epoch ms when the cell started and finished running (which runs get the outputs). */
    started: Type.Integer({ minimum: 0 }),
    ended: Type.Integer({ minimum: 0 }),
    images: Type.Array(CellImage, { maxItems: 200 }),
    text: Type.Array(ConsoleText, { maxItems: 10_000 }),
  },
  { $id: 'lablog.LogCellOutputs' },
);
export type LogCellOutputs = Static<typeof LogCellOutputs>;

/** Reply of `outputs`: the runs that got the outputs, and the artifact paths written in each. */
export const LogCellOutputsReply = Type.Object({ run_ids: Type.Array(Type.String()), paths: Type.Array(Type.String()) }, { $id: 'lablog.LogCellOutputsReply' });
export type LogCellOutputsReply = Static<typeof LogCellOutputsReply>;

/** Artifact folders and files of captured outputs. */
export const CAPTURE_ARTIFACTS = {
  /** Folder of the images cells displayed. */
  figures: 'figures/',
  /** The console text of the cells run while the run was active, one block per cell. */
  consoleLog: 'logs/console.log',
  /** Folder of console logs. */
  logs: 'logs/',
} as const;

/**
 * The line that opens a cell's block in `logs/console.log`: `── In [12] · 2026-12-03T15:43:56.120Z ──`
 * (the cell's execution count and start time); the cell's text follows as it was printed.
 */
export function consoleHeader(executionCount: number | null, started: number): string {
  return `── In [${executionCount ?? ' '}] · ${new Date(started).toISOString()} ──`;
}

/** Matches a block's opening line in `logs/console.log` (group 1: the execution count, group 2: the start time). */
export const CONSOLE_HEADER = /^── In \[([0-9 ]*)\] · (\S+) ──$/;

/**
 * The artifact path of the `order`-th image (1-based) of a cell, e.g. `figures/cell-12-1.png`.
 * @param executionCount the cell's execution count (`In [12]`); null names it by its start time
 */
export function figurePath(executionCount: number | null, order: number, mime: FigureType, started: number): string {
  const cell = executionCount === null ? `t${started}` : String(executionCount);
  return `${CAPTURE_ARTIFACTS.figures}cell-${cell}-${order}.${FIGURE_TYPES[mime]}`;
}

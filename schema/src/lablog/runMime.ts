/**
 * The MIME bundle that draws a live chart of a run inside a notebook cell's output
 * (`application/vnd.lablog.run+json`), rendered by lablog's JupyterLab extension. Python:
 * `display({"application/vnd.lablog.run+json": {"run_id": run.info.run_id}}, raw=True)`;
 * the TS client: `run.mimeBundle()`.
 */
import { Type, type Static } from 'typebox';

/** The MIME type of the inline run chart. */
export const RUN_MIME_TYPE = 'application/vnd.lablog.run+json';

/** Data of the inline run chart. */
export const RunMimeData = Type.Object(
  {
    run_id: Type.String({ minLength: 1, maxLength: 64 }),
    /** Only these metrics (default: all of the run's). */
    metrics: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
    /** Chart height in pixels (default 240). */
    height: Type.Optional(Type.Integer({ minimum: 120, maximum: 1200 })),
  },
  { $id: 'lablog.RunMimeData' },
);
export type RunMimeData = Static<typeof RunMimeData>;

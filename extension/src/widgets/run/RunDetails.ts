/**
 * What the run page shows beside the run itself: its experiment's name, its parent run's
 * name, and the registered model versions made from it. Absent while being read; a failed read
 * leaves the plain id (or the agent's message for model versions).
 */
import type { WireModelVersion } from '@lablog/schema';

/** The run page's extra facts. */
export interface RunDetails {
  experimentName?: string;
  parentName?: string;
  /** Model versions whose run_id is this run; a string is the agent's error. */
  modelVersions?: WireModelVersion[] | string;
}

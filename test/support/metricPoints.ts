/**
 * Metric points as the MLflow API carries them (numbers, or the strings of NaN and ±Infinity),
 * and a seeded generator for tests that log random points, so a failure can be replayed.
 */
import { startEngineAgent, type EngineAgent } from './engines.js';

/** A metric value on the wire. */
export type Value = number | 'NaN' | 'Infinity' | '-Infinity';

/** A metric point on the wire. */
export interface Point {
  key: string;
  value: Value;
  timestamp: number;
  step: number;
}

/** A seeded generator of numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A PostgreSQL agent whose metric column cache holds nothing: every read goes to the chunks. */
export async function pgAgentWithoutColumnCache(): Promise<EngineAgent> {
  process.env.LABLOG_PG_COLUMN_CACHE_BYTES = '1';
  try {
    return await startEngineAgent('postgresql');
  } finally {
    delete process.env.LABLOG_PG_COLUMN_CACHE_BYTES;
  }
}

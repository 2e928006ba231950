/**
 * Nested runs as a tree: a run whose parent (tag `mlflow.parentRunId`) is on the same page is
 * shown under it, indented; the others stay where the server's order put them.
 */
import type { WireRun } from '@lablog/schema';
import { tagOf } from '../format.js';

/** The tag MLflow sets on a nested run. */
export const PARENT_TAG = 'mlflow.parentRunId';

/** One visible row: a run, how deep it sits, and whether it has children on the page. */
export interface TreeRow {
  run: WireRun;
  depth: number;
  /** Children of this run on the page (shown or collapsed). */
  children: number;
  expanded: boolean;
}

/**
 * Orders a page of runs as a tree. Roots keep the server's order; children follow their
 * parent in the server's order too. Children of a collapsed run are left out.
 * @param runs one page, in the server's order
 * @param collapsed ids of runs whose children are hidden
 */
export function arrangeTree(runs: readonly WireRun[], collapsed: ReadonlySet<string>): TreeRow[] {
  const onPage = new Set(runs.map((r) => r.info.run_id));
  const children = new Map<string, WireRun[]>();
  const roots: WireRun[] = [];
  for (const run of runs) {
    const parent = tagOf(run, PARENT_TAG);
    if (parent !== undefined && parent !== run.info.run_id && onPage.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(run);
      else children.set(parent, [run]);
    } else {
      roots.push(run);
    }
  }
  const out: TreeRow[] = [];
  const placed = new Set<string>();
  const visit = (run: WireRun, depth: number): void => {
    const id = run.info.run_id;
    if (placed.has(id)) return;
    placed.add(id);
    const kids = children.get(id) ?? [];
    const expanded = !collapsed.has(id);
    out.push({ run, depth, children: kids.length, expanded });
    if (expanded) for (const k of kids) visit(k, depth + 1);
    else for (const k of kids) hide(k);
  };
  const hide = (run: WireRun): void => {
    placed.add(run.info.run_id);
    for (const k of children.get(run.info.run_id) ?? []) if (!placed.has(k.info.run_id)) hide(k);
  };
  for (const r of roots) visit(r, 0);
  // runs in a parent cycle (a → b → a) have no root: show them flat rather than lose them
  for (const r of runs) if (!placed.has(r.info.run_id)) visit(r, 0);
  return out;
}

/** Arrange one page of runs so children sit indented under their parent when both are on the page. */
import type { Run } from "../../../../src/core/api/mlflow-entities";
import { parentId } from "./run-fields";

export interface RunRow {
  run: Run;
  depth: number;
  /** Children of this run on the page (0 when none). */
  childCount: number;
  /** The parent's id when the parent is not on this page (the row shows a link instead). */
  offPageParent?: string;
}

/** Depth-first order keeping the server's order among siblings; collapsed parents hide their subtree. */
export function arrangeRuns(runs: Run[], collapsed: ReadonlySet<string>): RunRow[] {
  const onPage = new Set(runs.map((r) => r.info.run_id));
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const r of runs) {
    const p = parentId(r);
    if (p && onPage.has(p) && p !== r.info.run_id) {
      const list = children.get(p) ?? [];
      list.push(r);
      children.set(p, list);
    } else roots.push(r);
  }
  const out: RunRow[] = [];
  const seen = new Set<string>();
  const visit = (r: Run, depth: number, hidden: boolean) => {
    // A tag cycle (a → b → a) must not loop forever.
    if (seen.has(r.info.run_id)) return;
    seen.add(r.info.run_id);
    const kids = children.get(r.info.run_id) ?? [];
    const p = parentId(r);
    if (!hidden)
      out.push({ run: r, depth, childCount: kids.length, offPageParent: p && !onPage.has(p) ? p : undefined });
    const hideKids = hidden || collapsed.has(r.info.run_id);
    for (const k of kids) visit(k, depth + 1, hideKids);
  };
  for (const r of roots) visit(r, 0, false);
  // Runs only reachable through a parent cycle are still shown, flat.
  for (const r of runs) visit(r, 0, false);
  return out;
}

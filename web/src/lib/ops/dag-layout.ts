/** Lays a pipeline's steps out in columns by depth (longest path from a root through `needs`). */

export interface DagNode {
  id: string;
  depth: number;
  /** Row within its column. */
  row: number;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: { from: string; to: string }[];
  columns: number;
  rows: number;
}

/** Depth = 1 + the deepest dependency; unknown dependencies are ignored and cycles are cut. */
export function layoutDag(steps: { step: string; needs: string[] }[]): DagLayout {
  const needs = new Map(steps.map((s) => [s.step, s.needs.filter((n) => n !== s.step)]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let d = 0;
    for (const n of needs.get(id) ?? []) if (needs.has(n)) d = Math.max(d, depthOf(n) + 1);
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const perColumn: number[] = [];
  const nodes: DagNode[] = steps.map((s) => {
    const d = depthOf(s.step);
    const row = perColumn[d] ?? 0;
    perColumn[d] = row + 1;
    return { id: s.step, depth: d, row };
  });
  const edges = steps.flatMap((s) =>
    (needs.get(s.step) ?? []).filter((n) => needs.has(n)).map((n) => ({ from: n, to: s.step })),
  );
  return { nodes, edges, columns: perColumn.length, rows: Math.max(0, ...perColumn) };
}

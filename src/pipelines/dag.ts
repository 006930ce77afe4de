/** The step graph: finding a cycle (to name it) and the transitive dependents of a step. */

interface Node {
  name: string;
  needs: readonly string[];
}

/** A dependency cycle as step names (`a → b → a`), or undefined when the graph is acyclic. */
export function findCycle(steps: readonly Node[]): string[] | undefined {
  const needs = new Map(steps.map((s) => [s.name, s.needs]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of needs.get(name) ?? []) {
      if (!needs.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const s of steps) {
    const cycle = visit(s.name);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every step that needs `name`, directly or through others. */
export function dependentsOf(steps: readonly Node[], name: string): Set<string> {
  const out = new Set<string>();
  const queue = [name];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const s of steps) {
      if (s.needs.includes(current) && !out.has(s.name)) {
        out.add(s.name);
        queue.push(s.name);
      }
    }
  }
  return out;
}

/** Which test and threshold a column gets: the most specific override wins (column > kind > all). */
import type { ColumnKind, StatTestName } from "../stats/stat-test.js";
import type { DriftOptions } from "./drift-types.js";

/** Where an override came from, so a misfit can be reported against the option that set it. */
export type OverrideSource = "column" | "kind" | "all";

/** The overriding test for a column, or undefined for Evidently's default choice. */
export function methodOverride(
  column: string,
  kind: ColumnKind,
  o: DriftOptions,
): { name: StatTestName; source: OverrideSource } | undefined {
  const own = o.perColumnMethod?.[column];
  if (own) return { name: own, source: "column" };
  const byKind = kind === "numerical" ? o.numMethod : o.catMethod;
  if (byKind) return { name: byKind, source: "kind" };
  return o.method ? { name: o.method, source: "all" } : undefined;
}

/** The overriding threshold for a column, or undefined for the test's default. */
export function thresholdOverride(column: string, kind: ColumnKind, o: DriftOptions): number | undefined {
  return o.perColumnThreshold?.[column] ?? (kind === "numerical" ? o.numThreshold : o.catThreshold) ?? o.threshold;
}

/** The option a user set, as the CLI spells it (for messages). */
export function overrideOption(source: OverrideSource, kind: ColumnKind): string {
  if (source === "column") return "--column-method";
  if (source === "kind") return kind === "numerical" ? "--num-method" : "--cat-method";
  return "--method";
}

/** Feature references (`view` or `view:feature`) and what they select from a set of definitions. */
import { invalidParam, notFound } from "../../core/errors.js";
import type { FeatureDefinitions, FeatureServiceSpec, FeatureSpec, FeatureViewSpec } from "./feature-spec.js";

/** The features selected from one view, in the order asked for. */
export interface Projection {
  view: FeatureViewSpec;
  features: FeatureSpec[];
}

/** Why a list of references does not resolve (one message per bad reference), or nothing. */
export function refProblems(refs: readonly string[], views: ReadonlyMap<string, FeatureViewSpec>): (string | null)[] {
  const seen = new Set<string>();
  return refs.map((ref) => {
    const colon = ref.indexOf(":");
    const viewName = colon < 0 ? ref : ref.slice(0, colon);
    const view = views.get(viewName);
    if (!view) return `unknown feature view '${viewName}'`;
    const names = colon < 0 ? view.features.map((f) => f.name) : [ref.slice(colon + 1)];
    for (const name of names) {
      if (!view.features.some((f) => f.name === name)) return `feature view '${viewName}' has no feature '${name}'`;
      const key = `${viewName}:${name}`;
      if (seen.has(key)) return `'${key}' is selected twice`;
      seen.add(key);
    }
    return null;
  });
}

/** Resolve references to projections, one per view in first-mention order; invalidParam naming every bad one. */
export function resolveRefs(refs: readonly string[], defs: FeatureDefinitions): Projection[] {
  if (refs.length === 0) throw invalidParam("No features selected: give a feature service or view:feature references.");
  const views = new Map(defs.feature_views.map((v) => [v.name, v]));
  const problems = refProblems(refs, views).filter((p): p is string => p !== null);
  if (problems.length > 0) throw invalidParam(`Invalid feature references: ${problems.join("; ")}.`);
  const byView = new Map<string, Projection>();
  for (const ref of refs) {
    const colon = ref.indexOf(":");
    const view = views.get(colon < 0 ? ref : ref.slice(0, colon)) as FeatureViewSpec;
    const p = byView.get(view.name) ?? { view, features: [] };
    byView.set(view.name, p);
    if (colon < 0) p.features.push(...view.features);
    else p.features.push(view.features.find((f) => f.name === ref.slice(colon + 1)) as FeatureSpec);
  }
  return [...byView.values()];
}

/** A service by name; RESOURCE_DOES_NOT_EXIST naming it. */
export function serviceNamed(defs: FeatureDefinitions, name: string): FeatureServiceSpec {
  const s = defs.feature_services.find((x) => x.name === name);
  if (!s) {
    const known = defs.feature_services.map((x) => x.name).join(", ") || "none";
    throw notFound(`Unknown feature service '${name}' (known: ${known}).`);
  }
  return s;
}

/** Parse `a:b,c:d` (or several such strings) into references. */
export function parseRefList(text: string | readonly string[]): string[] {
  const parts = typeof text === "string" ? text.split(",") : text.flatMap((t) => t.split(","));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

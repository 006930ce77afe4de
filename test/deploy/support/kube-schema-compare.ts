/**
 * Compares two sets of Kubernetes API definitions from the kinds down: the published swagger.json's
 * (`io.k8s.api.apps.v1.Deployment`, ...) and the ones rebuilt from @kubernetes/client-node's models
 * (`V1Deployment`, ...; kube-model-schema.ts). Named differently, they are matched by walking both
 * from each kind's definition along the same fields: the same field names, the same required
 * fields, the same type at every leaf.
 */
import type { Definition } from "./kube-model-schema.js";
import { kindDefinition } from "./kube-model-schema.js";

type Defs = Record<string, Definition>;
type Walk = { published: Defs; derived: Defs; seen: Set<string>; differences: string[] };

const GVK = "x-kubernetes-group-version-kind";

/** The differences (empty: none) for `kinds` ("apiVersion kind") and how many definitions were compared. */
export function definitionDifferences(
  kinds: string[],
  published: Defs,
  derived: Defs,
): { compared: number; differences: string[] } {
  const w: Walk = { published, derived, seen: new Set(), differences: [] };
  for (const k of kinds) {
    const [apiVersion, kind] = k.split(" ") as [string, string];
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const root = Object.keys(published).find((name) =>
      ((published[name]?.[GVK] ?? []) as { group: string; version: string; kind: string }[]).some(
        (g) => g.group === group && g.version === version && g.kind === kind,
      ),
    );
    const mine = kindDefinition(apiVersion, kind);
    if (!root || !mine) w.differences.push(`${k}: published ${root ?? "none"}, derived ${mine ?? "none"}`);
    else compare({ $ref: `#/definitions/${root}` }, { $ref: `#/definitions/${mine}` }, k, w);
  }
  return { compared: w.seen.size, differences: w.differences };
}

function resolve(s: Definition, defs: Defs): [Definition, string | undefined] {
  const ref = typeof s.$ref === "string" ? s.$ref.replace("#/definitions/", "") : undefined;
  return [ref ? (defs[ref] ?? {}) : s, ref];
}

/** A leaf's type as both sides spell it: an object with no declared fields is free-form. */
function leafType(s: Definition): string {
  if (s.format === "int-or-string") return "int-or-string";
  if (s.type === "object" && !s.properties && !s.additionalProperties) return "any";
  return typeof s.type === "string" ? s.type : "any";
}

function compare(p: Definition, d: Definition, at: string, w: Walk): void {
  const [pub, pubName] = resolve(p, w.published);
  const [der, derName] = resolve(d, w.derived);
  if (pubName && derName) {
    const pair = `${pubName} ${derName}`;
    if (w.seen.has(pair)) return;
    w.seen.add(pair);
  }
  const props = pub.properties as Defs | undefined;
  if (props) {
    const mine = (der.properties ?? {}) as Defs;
    const names = (o: object) => Object.keys(o).sort().join(",");
    if (names(props) !== names(mine)) w.differences.push(`${at}: fields ${names(props)} / ${names(mine)}`);
    const req = (s: Definition) => ((s.required ?? []) as string[]).slice().sort().join(",");
    if (req(pub) !== req(der)) w.differences.push(`${at}: required ${req(pub)} / ${req(der)}`);
    for (const [k, v] of Object.entries(props)) if (mine[k]) compare(v, mine[k], `${at}.${k}`, w);
  } else if (pub.type === "array" || der.type === "array") {
    if (pub.type !== der.type) w.differences.push(`${at}: ${String(pub.type)} / ${String(der.type)}`);
    else compare(pub.items as Definition, der.items as Definition, `${at}[]`, w);
  } else if (typeof pub.additionalProperties === "object") {
    if (typeof der.additionalProperties !== "object") w.differences.push(`${at}: a map / not a map`);
    else compare(pub.additionalProperties as Definition, der.additionalProperties as Definition, `${at}{}`, w);
  } else if (leafType(pub) !== leafType(der)) {
    w.differences.push(`${at}: ${leafType(pub)} / ${leafType(der)}`);
  }
}

/**
 * The Kubernetes 1.32 API definitions as @kubernetes/client-node 1.1.2 carries them (the
 * devDependency `kubernetes-client-node-1.32`, installed by `npm ci`, so CI has them): its models are
 * openapi-generator's output from Kubernetes' published v1.32.0 OpenAPI document, one class per
 * definition with each field's JSON name, type and format (the `.js`) and whether it is required
 * (the `.d.ts`: required fields are not optional there). Rebuilt here in the shape of swagger.json's
 * `definitions`, so `openapiProblems` (src/pipelines/test-support/openapi-check.ts) checks a manifest
 * against them as strictly as against the published document: unknown fields, types, required
 * fields, apiVersion and kind. Definitions are named after their class (`V1Probe`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openapiProblems } from "../../../src/pipelines/test-support/openapi-check.js";
import { ROOT } from "./kustomize.js";

/** The devDependency's name (an alias of @kubernetes/client-node@1.1.2, pinned in package.json). */
export const MODELS_PACKAGE = "kubernetes-client-node-1.32";
const GEN = join(ROOT, "node_modules", MODELS_PACKAGE, "dist/gen");

type Attribute = { name: string; baseName: string; type: string; format: string };
type ModelClass = { getAttributeTypeMap?: () => Attribute[] };
/** A swagger.json definition, as far as openapiProblems reads it. */
export type Definition = { [key: string]: unknown };

/** The OpenAPI document the models were generated from, as their header names it (e.g. `v1.32.0`). */
export function modelsOpenApiVersion(): string {
  const header = readFileSync(join(GEN, "models/V1Probe.js"), "utf8");
  return /OpenAPI spec version: (\S+)/.exec(header)?.[1] ?? "unknown";
}

/** Every model class as a definition: its fields (by JSON name), their types, the required ones. */
export async function modelDefinitions(): Promise<Record<string, Definition>> {
  const all = (await import(pathToFileURL(join(GEN, "models/all.js")).href)) as Record<string, ModelClass>;
  const models = new Set(Object.keys(all));
  const defs: Record<string, Definition> = {};
  for (const [name, model] of Object.entries(all)) {
    const attributes = model.getAttributeTypeMap?.();
    if (!Array.isArray(attributes)) continue;
    const properties = Object.fromEntries(attributes.map((a) => [a.baseName, fieldSchema(a.type, a.format, models)]));
    const required = requiredFields(name, attributes);
    defs[name] = { type: "object", properties, ...(required.length ? { required } : {}) };
  }
  return defs;
}

/** A field's schema from the generator's TypeScript type and the OpenAPI format it kept. */
function fieldSchema(type: string, format: string, models: Set<string>): Definition {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: "array", items: fieldSchema(array[1] as string, format, models) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: "object", additionalProperties: fieldSchema(map[1] as string, format, models) };
  switch (type) {
    case "string":
      return { type: "string", ...(format ? { format } : {}) };
    case "number":
      return format === "int32" || format === "int64" ? { type: "integer", format } : { type: "number" };
    case "boolean":
      return { type: "boolean" };
    case "Date":
    case "V1MicroTime":
      return { type: "string", format: "date-time" };
    case "IntOrString":
      return { type: "string", format: "int-or-string" };
    case "any":
      return {};
  }
  if (models.has(type)) return { $ref: `#/definitions/${type}` };
  throw new Error(`${MODELS_PACKAGE}: a field type this reader does not know: ${type}`);
}

/** The JSON names of the fields the class's declaration does not mark optional. */
function requiredFields(name: string, attributes: Attribute[]): string[] {
  const file = join(GEN, "models", `${name}.d.ts`);
  if (!existsSync(file)) return [];
  const declared = [...readFileSync(file, "utf8").matchAll(/^ {4}'([^']+)': /gm)].map((m) => m[1]);
  return attributes.filter((a) => declared.includes(a.name)).map((a) => a.baseName);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The definition of a kind, as the API of its group version takes it on create (e.g.
 * `AppsV1Api.createNamespacedDeployment(namespace, body: V1Deployment)`); undefined when that group
 * version serves no such kind (a custom resource, a misspelt kind or apiVersion).
 */
export function kindDefinition(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const prefix = group
    ? (group as string)
        .replace(/\.k8s\.io$/, "")
        .split(".")
        .map(capital)
        .join("")
    : "Core";
  const file = join(GEN, "apis", `${prefix}${capital(version as string)}Api.d.ts`);
  if (!/^\w+$/.test(kind) || !existsSync(file)) return undefined;
  const create = new RegExp(`\\bcreate(?:Namespaced)?${kind}\\((?:namespace: string, )?body: (\\w+)[,)]`);
  return create.exec(readFileSync(file, "utf8"))?.[1];
}

/** The problems of one manifest against the definitions (empty: valid), each with its field path. */
export function manifestProblems(manifest: Definition, defs: Record<string, Definition>): string[] {
  const { apiVersion, kind } = manifest as { apiVersion?: unknown; kind?: unknown };
  const name = typeof apiVersion === "string" && typeof kind === "string" && kindDefinition(apiVersion, kind);
  if (!name) return [`no kind ${String(kind)} in ${String(apiVersion)}`];
  const [group, version] = (apiVersion as string).includes("/") ? (apiVersion as string).split("/") : ["", apiVersion];
  const gvk = { group, version, kind };
  const root = { ...defs[name], "x-kubernetes-group-version-kind": [gvk] };
  return openapiProblems(manifest, name, { ...defs, [name]: root });
}

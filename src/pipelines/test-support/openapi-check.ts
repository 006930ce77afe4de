/**
 * Checks a Kubernetes object against the OpenAPI v2 definitions of the API (the `definitions` of
 * the API server's swagger.json) as strictly as `kubectl --validate=strict`: every field known,
 * of its type, required fields present, apiVersion and kind those of the definition.
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[];
};

/** The problems of `value` against definition `name` (empty: valid), each with its field path. */
export function openapiProblems(value: unknown, name: string, definitions: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const defs = definitions as Record<string, Schema>;
  const root = defs[name];
  if (!root) return [`no definition ${name}`];
  const gvk = root["x-kubernetes-group-version-kind"]?.[0];
  if (gvk && typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>;
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    if (o.apiVersion !== apiVersion) problems.push(`apiVersion: expected ${apiVersion}, got ${String(o.apiVersion)}`);
    if (o.kind !== gvk.kind) problems.push(`kind: expected ${gvk.kind}, got ${String(o.kind)}`);
  }
  check(value, root, "", defs, problems);
  return problems;
}

function check(value: unknown, schema: Schema, at: string, defs: Record<string, Schema>, problems: string[]): void {
  if (schema.$ref) {
    const target = defs[schema.$ref.replace("#/definitions/", "")];
    if (!target) problems.push(`${at}: unknown definition ${schema.$ref}`);
    else check(value, target, at, defs, problems);
    return;
  }
  const here = at || "(root)";
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${here}: ${JSON.stringify(value)} is not one of the allowed values`);
  switch (schema.type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.push(`${here}: expected an object`);
        return;
      }
      const o = value as Record<string, unknown>;
      for (const r of schema.required ?? [])
        if (o[r] === undefined) problems.push(`${at ? `${at}.` : ""}${r}: required`);
      for (const [k, v] of Object.entries(o)) {
        const path = at ? `${at}.${k}` : k;
        const prop = schema.properties?.[k];
        if (prop) check(v, prop, path, defs, problems);
        else if (typeof schema.additionalProperties === "object")
          check(v, schema.additionalProperties, path, defs, problems);
        else if (schema.properties) problems.push(`${path}: unknown field`);
      }
      return;
    }
    case "array":
      if (!Array.isArray(value)) problems.push(`${here}: expected an array`);
      else if (schema.items) {
        for (const [i, v] of value.entries()) check(v, schema.items, `${at}[${i}]`, defs, problems);
      }
      return;
    case "string":
      // int-or-string fields are typed string with that format.
      if (typeof value !== "string" && !(schema.format === "int-or-string" && Number.isInteger(value))) {
        problems.push(`${here}: expected a string, got ${JSON.stringify(value)}`);
      }
      return;
    case "integer":
      if (!Number.isInteger(value)) problems.push(`${here}: expected an integer, got ${JSON.stringify(value)}`);
      else if (schema.format === "int32" && Math.abs(value as number) > 2 ** 31 - 1)
        problems.push(`${here}: out of int32 range`);
      return;
    case "number":
      if (typeof value !== "number") problems.push(`${here}: expected a number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${here}: expected true or false`);
      return;
  }
}

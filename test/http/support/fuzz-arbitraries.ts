/** fast-check generators for hostile MLflow requests: random bodies, content types, queries and paths. */
import fc from "fast-check";
import { mlflowRoutes } from "../../../src/core/api/mlflow-routes.js";
import { platformRoutes } from "../../../src/core/api/platform-routes.js";
import type { HttpRequest } from "./client.js";

export interface RouteSpec {
  name: string;
  methods: readonly string[];
  path: string;
  fields: string[];
}

/** Every route of the MLflow table with its request field names. */
export const ROUTES: RouteSpec[] = Object.entries(mlflowRoutes).map(([name, def]) => ({
  name,
  methods: def.methods,
  path: def.path,
  fields: Object.keys(def.request.shape),
}));

/** Fixture values: `known` strings for any field, `hints` for the field of that name (e.g. run_id). */
export interface Known {
  strings: readonly string[];
  hints: Record<string, unknown>;
}

/** Values that reach past the parser (the field's fixture value), edge strings and wrong types. */
export function fieldValue(known: Known, field?: string): fc.Arbitrary<unknown> {
  const plausible = fc.constantFrom(...known.strings, "0", "1", "NaN", "");
  const hint = field === undefined ? undefined : known.hints[field];
  return fc.oneof(
    { weight: hint === undefined ? 0 : 12, arbitrary: fc.constant(hint) },
    { weight: 6, arbitrary: plausible },
    { weight: 2, arbitrary: fc.array(plausible, { maxLength: 3 }) },
    { weight: 2, arbitrary: fc.integer({ min: -2, max: 2 ** 40 }) },
    fc.constantFrom("-1", "Infinity", "..", "%2e%2e", "a\u0000b", "9".repeat(30)),
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ maxLength: 40 }),
    fc.double(),
    fc.boolean(),
  );
}

/** Objects shaped like the route's request (its field names, values of any type) plus stray keys. */
function shapedObject(fields: readonly string[], known: Known): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(fields.map((f) => [f, fieldValue(known, f)]));
  const shaped = fc.oneof({ weight: 3, arbitrary: fc.record(model) }, fc.record(model, { requiredKeys: [] }));
  return fc
    .tuple(shaped, fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }))
    .map(([shaped, extra]) => ({ ...extra, ...shaped }));
}

export function body(fields: readonly string[], known: Known): fc.Arbitrary<string | Buffer | undefined> {
  const shaped = shapedObject(fields, known);
  return fc.oneof(
    { weight: 10, arbitrary: shaped.map((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: shaped.map((o) => JSON.stringify(JSON.stringify(o))) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/json; charset=latin1",
    "application/jsonx",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    ";",
    undefined,
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
);

/** A query string: the route's fields (repeated or not) with random values, or raw junk. */
export function query(fields: readonly string[], known: Known): fc.Arbitrary<string> {
  const text = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) ? String(v[0] ?? "") : JSON.stringify(v));
  const value = (k: string) =>
    fc.oneof(
      { weight: k in known.hints ? 8 : 0, arbitrary: fc.constant(text(known.hints[k])) },
      { weight: 4, arbitrary: fc.constantFrom(...known.strings, "", "1", "NaN", "true") },
      fc.string({ maxLength: 20 }),
    );
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...fields) },
    fc.constantFrom("x", "__proto__", "constructor"),
    fc.string({ maxLength: 6 }),
  );
  const pair = key.chain((k) => value(k).map((v) => [k, v] as const));
  const complete = fc.tuple(...fields.map((f) => value(f).map((v) => [f, v] as const)));
  const pairs = fc
    .tuple(fc.oneof({ weight: 3, arbitrary: complete }, fc.constant([])), fc.array(pair, { maxLength: 4 }))
    .map(([all, more]) => {
      const q = new URLSearchParams();
      for (const [k, v] of [...all, ...more]) q.append(k, v);
      return q.toString();
    });
  const junk = fc.string({
    unit: fc.constantFrom("a", "=", "&", "%", "%zz", "%00", "[", "]", "+", ".", "%E2%82", "%C3%A9"),
    maxLength: 30,
  });
  return fc.oneof({ weight: 4, arbitrary: pairs }, junk).map((q) => (q ? `?${q}` : ""));
}

/** A path parameter's value: the field's fixture value, other fixtures, or hostile segments. */
function pathSegment(known: Known, field: string): fc.Arbitrary<string> {
  const hint = known.hints[field];
  return fc.oneof(
    { weight: typeof hint === "string" ? 8 : 0, arbitrary: fc.constant(encodeURIComponent(String(hint))) },
    { weight: 3, arbitrary: fc.constantFrom(...known.strings.map(encodeURIComponent), "0", "m-0") },
    fc.constantFrom("..", "%2e%2e", "a%2Fb", "%00", "%20", "search"),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
}

/** A route's path with its `:param` segments filled (MLflow 3's `logged-models/:model_id`). */
function filledPath(path: string, known: Known): fc.Arbitrary<string> {
  const names = [...path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1] as string);
  if (names.length === 0) return fc.constant(path);
  return fc.tuple(...names.map((n) => pathSegment(known, n))).map((values) => {
    let i = 0;
    return path.replace(/:[A-Za-z_]+/g, () => values[i++] as string);
  });
}

/** One request to a route of the table, any prefix and declared method (or an undeclared one). */
export function routeRequest(routes: readonly RouteSpec[], known: Known): fc.Arbitrary<HttpRequest> {
  return fc.constantFrom(...routes).chain((r) =>
    fc
      .record({
        path: filledPath(r.path, known),
        prefix: fc.constantFrom("/api/2.0", "/ajax-api/2.0"),
        method: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...r.methods) },
          fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT"),
        ),
        query: query(r.fields, known),
        body: body(r.fields, known),
        type: contentType,
      })
      .map(({ path, prefix, method, query: q, body: b, type }) => ({
        method,
        url: prefix + path + q,
        headers: headersFor(type),
        body: method === "GET" ? undefined : b,
      })),
  );
}

function headersFor(type: string | undefined): Record<string, string> {
  return type === undefined ? {} : { "content-type": type };
}

const SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%252e%252e",
  "%2e",
  "%2F",
  "%5c",
  "%00",
  "",
  "0",
  "artifacts",
  "a.txt",
  "MLmodel",
  "~",
];

/** An artifact path: hostile segments, fixture ids and random (encoded) text. */
export function artifactPath(known: Known): fc.Arbitrary<string> {
  const segment = fc.oneof(
    fc.constantFrom(...SEGMENTS, ...known.strings),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
  return fc.array(segment, { minLength: 0, maxLength: 6 }).map((s) => s.join("/"));
}

/** Requests to the proxied artifact API (`/mlflow-artifacts/...`). */
export function artifactRequest(known: Known): fc.Arbitrary<HttpRequest> {
  const path = artifactPath(known);
  const url = fc.oneof(
    path.map((p) => `/artifacts/${p}`),
    path.map((p) => `/artifacts?path=${p}`),
    fc.constant("/artifacts"),
    fc.tuple(fc.constantFrom("create", "complete", "abort"), path).map(([op, p]) => `/mpu/${op}/${p}`),
    path.map((p) => `/presigned/${p}`),
  );
  return fc
    .record({
      prefix: fc.constantFrom("/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"),
      url,
      method: fc.constantFrom("GET", "PUT", "DELETE", "POST", "PATCH"),
      body: body(["path", "num_parts", "upload_id", "parts"], known),
      type: contentType,
    })
    .map(({ prefix, url: u, method, body: b, type }) => ({
      method,
      url: prefix + u,
      headers: headersFor(type),
      body: method === "GET" ? undefined : b,
    }));
}

/** The platform API's routes (`/api/modelworks/v1`), with `:param` path segments. */
export const PLATFORM_ROUTES: RouteSpec[] = Object.entries(platformRoutes).map(([name, def]) => ({
  name,
  methods: def.methods,
  path: def.path,
  fields: Object.keys(def.request.shape),
}));

/** One request to a platform route: path segments from fixtures or hostile text, any body. */
export function platformRequest(known: Known): fc.Arbitrary<HttpRequest> {
  const segment = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known.strings, "latest", "1", "0", "-1", "99") },
    fc.constantFrom("..", "%2e%2e", "a%2Fb", "%00", "a%20b", "%40", "x%401"),
    fc.string({ maxLength: 12 }).map((t) => encodeURIComponent(t)),
  );
  return fc.constantFrom(...PLATFORM_ROUTES).chain((r) =>
    fc
      .record({
        method: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...r.methods) },
          fc.constantFrom("GET", "POST", "PUT"),
        ),
        segments: fc.array(segment, { minLength: 2, maxLength: 2 }),
        query: query(r.fields.length ? r.fields : ["x"], known),
        body: body(r.fields, known),
        type: contentType,
      })
      .map(({ method, segments, query: q, body: b, type }) => {
        let i = 0;
        const path = r.path.replace(/:[A-Za-z_]+/g, () => segments[i++ % 2] as string);
        return {
          method,
          url: `/api/modelworks/v1${path}${q}`,
          headers: headersFor(type),
          body: method === "GET" ? undefined : b,
        };
      }),
  );
}

/** Open Inference Protocol v2 routes: server and model health, model metadata, inference. */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Access } from "../core/api/access.js";
import type { Clock } from "../core/clock.js";
import { MwError } from "../core/errors.js";
import { Table } from "../data/table.js";
import type { ServingMetrics } from "./metrics/serving-metrics.js";
import { formatV2InferResponse, parseV2InferRequest, v2ModelMetadata } from "./protocols/v2/index.js";
import { flatData } from "./protocols/v2/tensor-columns.js";
import type { DeploymentRuntime } from "./runtime/deployment-runtime.js";
import type { ServedVariant, ServingSnapshot } from "./runtime/serving-snapshot.js";
import { injectedDelayMs } from "./scoring/injected-delay.js";
import { answered, begin, header, parseJson, score } from "./scoring/request-scoring.js";
import type { ScoredPart } from "./scoring/score-rows.js";
import { mergeRows } from "./scoring/score-rows.js";
import type { ServingTargets } from "./serving-targets.js";

export interface V2RouteOptions {
  targets: ServingTargets;
  clock: Clock;
  metrics: ServingMetrics;
  random: () => number;
  maxRows: number;
  bodyLimit: number;
  version: string;
  /** Route options declaring public access (health) and predict access (metadata, infer). */
  open: { config: { access: Access } };
  predict: { config: { access: Access; deployment: (req: FastifyRequest) => string | undefined } };
}

type V2Params = { name: string; version?: string };

/** Register the V2 routes. */
export function v2Routes(app: FastifyInstance, opts: V2RouteOptions): void {
  const { open, predict } = opts;
  app.get("/v2", open, async () => ({ name: "modelworks", version: opts.version, extensions: [] }));
  app.get("/v2/health/live", open, async () => ({ live: true }));
  app.get("/v2/health/ready", open, async (_req, reply) => {
    const ready = opts.targets.all().every((t) => t.ready);
    return reply.status(ready ? 200 : 503).send({ ready });
  });
  for (const prefix of ["/v2/models/:name", "/v2/models/:name/versions/:version"]) {
    app.get(prefix, predict, async (req) => {
      const { snap, variant } = resolve(opts.targets, req);
      const m = variant?.model ?? snap.primary.model;
      return v2ModelMetadata(nameOf(req), m.version, variant ? m.predictor.signature : snap.v2Signature);
    });
    app.get(`${prefix}/ready`, predict, async (req) => {
      resolve(opts.targets, req);
      return { name: nameOf(req), ready: true };
    });
    app.post(`${prefix}/infer`, { bodyLimit: opts.bodyLimit, ...predict }, async (req, reply) => {
      const { snap, variant } = resolve(opts.targets, req);
      const pinned = variant ? pin(snap, variant) : snap;
      const ctx = begin(req.headers, pinned, "v2", opts);
      req.scoring = ctx;
      const body = parseJson(typeof req.body === "string" ? req.body : "");
      const parsed = parseV2InferRequest(body, pinned.v2Signature, { maxRows: opts.maxRows });
      const table = withRoutingColumn(parsed.table, body, pinned);
      const parts = await score(ctx, table, header(req.headers, pinned), opts.random);
      const meta = (p: ScoredPart) => ({
        modelName: nameOf(req),
        modelVersion: p.variant.model.version,
        id: parsed.id ?? ctx.requestId,
        ...(parsed.requestedOutputs ? { requestedOutputs: parsed.requestedOutputs } : {}),
        ...(p.probabilities && p.top ? { multiclass: { probabilities: p.probabilities, top: p.top } } : {}),
      });
      const responses = parts.map((p) => formatV2InferResponse(p.scores, p.variant.model.predictor.signature, meta(p)));
      const first = responses[0] as (typeof responses)[number];
      if (responses.length > 1) {
        first.model_version = parts.map((p) => p.variant.model.version).join(",");
        first.outputs = first.outputs.map((o, k) => {
          // A [rows, classes] tensor is merged a row (of `width` values) at a time.
          const width = o.shape[1] ?? 1;
          const rowsOf = (data: readonly unknown[]) =>
            Array.from({ length: data.length / width }, (_, r) => data.slice(r * width, (r + 1) * width));
          const merged = mergeRows(
            parts.map((p, j) => ({ rows: p.rows, values: rowsOf(responses[j]?.outputs[k]?.data ?? []) })),
            table.numRows,
          );
          return {
            ...o,
            shape: width === 1 ? [table.numRows] : [table.numRows, width],
            data: merged.flat() as typeof o.data,
          };
        });
      }
      const delay = injectedDelayMs(ctx);
      if (delay > 0) await sleep(delay);
      return answered(reply, ctx).send(first);
    });
  }
}

function nameOf(req: FastifyRequest): string {
  return (req.params as V2Params).name;
}

/** The deployment a V2 path names, and the variant when the path pins a version. */
function resolve(targets: ServingTargets, req: FastifyRequest): { snap: ServingSnapshot; variant?: ServedVariant } {
  const p = req.params as V2Params;
  const rt: DeploymentRuntime | undefined = targets.byModelName(p.name);
  if (!rt) throw new MwError("RESOURCE_DOES_NOT_EXIST", `Model '${p.name}' is not served here.`);
  const snap = rt.current;
  if (p.version === undefined) return { snap };
  for (const v of [snap.primary, snap.candidate]) if (v && v.model.version === p.version) return { snap, variant: v };
  throw new MwError("RESOURCE_DOES_NOT_EXIST", `Model '${p.name}' version ${p.version} is not served here.`);
}

/** A snapshot where only `variant` answers (a versioned V2 path). */
function pin(snap: ServingSnapshot, variant: ServedVariant): ServingSnapshot {
  const { candidate: _drop, ...rest } = snap;
  return {
    ...rest,
    primary: variant,
    weight: 0,
    shadow: false,
    signature: variant.model.predictor.signature,
    v2Signature: variant.model.predictor.signature,
  };
}

/** Add the routing key column from its tensor (BYTES, one per row) when the deployment routes by a column. */
function withRoutingColumn(table: Table, body: unknown, snap: ServingSnapshot): Table {
  const rk = snap.routingKey;
  if (rk?.source !== "column" || table.column(rk.name)) return table;
  const inputs = (body as { inputs?: unknown[] }).inputs ?? [];
  const tensor = inputs.find((t) => (t as { name?: unknown })?.name === rk.name) as { data?: unknown } | undefined;
  if (!tensor) return table;
  const data = flatData(tensor.data, rk.name);
  if (data.length !== table.numRows)
    throw new MwError(
      "BAD_REQUEST",
      `Routing key tensor '${rk.name}' has ${data.length} values; the other inputs have ${table.numRows} rows.`,
    );
  const dict = new Map<string, number>();
  const codes = new Int32Array(data.length);
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === null || v === undefined) {
      nulls ??= new Uint8Array(data.length);
      nulls[i] = 1;
      codes[i] = -1;
      continue;
    }
    const s = String(v);
    let c = dict.get(s);
    if (c === undefined) {
      c = dict.size;
      dict.set(s, c);
    }
    codes[i] = c;
  }
  const col = { name: rk.name, type: "string" as const, codes, dictionary: [...dict.keys()], length: data.length };
  return new Table([...table.columns, nulls ? { ...col, nulls } : col]);
}

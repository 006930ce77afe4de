/**
 * The inference server: MLflow's scoring protocol (`/invocations`, `/ping`, `/health`, `/version`)
 * and the Open Inference Protocol v2 (`/v2/...`) over one loaded model version.
 * `buildServingApp(deps)` returns the app; only the CLI listens.
 */

import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import Fastify from "fastify";
import { httpStatusFor, isMwError, MwError } from "../core/errors.js";
import type { ResolvedModel } from "./model-resolver.js";
import {
  checkScoringContentType,
  formatPredictions,
  parseScoringCsv,
  parseScoringJson,
} from "./protocols/mlflow/index.js";
import { formatV2InferResponse, parseV2InferRequest, v2ModelMetadata } from "./protocols/v2/index.js";

export interface ServingDeps {
  /** The model being served (a getter, so a swap takes effect for the next request). */
  model: () => ResolvedModel;
  version: string;
  /** Largest request body in bytes (default 5 MiB). */
  bodyLimit?: number;
  /** Most rows in one request (default 10,000). */
  maxRows?: number;
}

/** Build the inference app. */
export function buildServingApp(deps: ServingDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: deps.bodyLimit ?? 5 * 1024 * 1024 });
  const maxRows = deps.maxRows ?? 10_000;
  app.removeAllContentTypeParsers();
  // Bodies arrive as text; the protocol handlers decide (MLflow answers 415 for other types itself).
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
  installErrors(app);

  const ok = async (_req: unknown, reply: FastifyReply) => reply.type("application/json").send("\n");
  app.get("/ping", ok);
  app.get("/health", ok);
  app.get("/version", async (_req, reply) => reply.type("text/plain").send(deps.version));

  app.post("/invocations", async (req, reply) => {
    const model = deps.model();
    const format = checkScoringContentType(req.headers["content-type"]);
    const text = typeof req.body === "string" ? req.body : "";
    const signature = model.predictor.signature;
    const table =
      format === "csv"
        ? parseScoringCsv(text, signature, { maxRows })
        : parseScoringJson(parseJson(text), signature, { maxRows });
    const scores = model.predictor.predict(table);
    return answered(reply, model).send(formatPredictions(scores, signature));
  });

  app.get("/v2", async () => ({ name: "modelworks", version: deps.version, extensions: [] }));
  app.get("/v2/health/live", async () => ({ live: true }));
  app.get("/v2/health/ready", async () => ({ ready: true }));
  for (const prefix of ["/v2/models/:name", "/v2/models/:name/versions/:version"]) {
    app.get(prefix, async (req) => {
      const model = modelFor(deps, req.params as V2Params);
      return v2ModelMetadata(model.name, model.version, model.predictor.signature);
    });
    app.get(`${prefix}/ready`, async (req) => {
      const model = modelFor(deps, req.params as V2Params);
      return { name: model.name, ready: true };
    });
    app.post(`${prefix}/infer`, async (req, reply) => {
      const model = modelFor(deps, req.params as V2Params);
      const parsed = parseV2InferRequest(
        parseJson(typeof req.body === "string" ? req.body : ""),
        model.predictor.signature,
        {
          maxRows,
        },
      );
      const scores = model.predictor.predict(parsed.table);
      return answered(reply, model).send(
        formatV2InferResponse(scores, model.predictor.signature, {
          modelName: model.name,
          modelVersion: model.version,
          ...(parsed.id !== undefined ? { id: parsed.id } : {}),
          ...(parsed.requestedOutputs ? { requestedOutputs: parsed.requestedOutputs } : {}),
        }),
      );
    });
  }
  return app;
}

type V2Params = { name: string; version?: string };

/** The served model when the path names it (and its version, if given); 404 otherwise. */
function modelFor(deps: ServingDeps, p: V2Params): ResolvedModel {
  const model = deps.model();
  if (p.name !== model.name)
    throw new MwError("RESOURCE_DOES_NOT_EXIST", `Model '${p.name}' is not served here (serving '${model.name}').`);
  if (p.version !== undefined && p.version !== model.version) {
    throw new MwError(
      "RESOURCE_DOES_NOT_EXIST",
      `Model '${p.name}' version ${p.version} is not served here (serving ${model.version}).`,
    );
  }
  return model;
}

/** Which model version answered, in headers. */
function answered(reply: FastifyReply, model: ResolvedModel): FastifyReply {
  return reply.header("x-modelworks-model", `${model.name}/${model.version}`).header("x-modelworks-variant", "primary");
}

function parseJson(text: string): unknown {
  if (text.trim() === "") throw new MwError("BAD_REQUEST", "The request body is empty; expected a JSON object.");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MwError("BAD_REQUEST", `Malformed JSON in request body: ${(e as Error).message}`);
  }
}

/** MLflow's `{error_code, message}` on the scoring routes, `{"error": ...}` on V2; never a 5xx for client input. */
function installErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const v2 = req.url.startsWith("/v2");
    let code: string;
    let status: number;
    if (isMwError(err)) {
      code = err.code;
      status = httpStatusFor(err.code);
    } else if (err.statusCode === 413 || err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      code = "PAYLOAD_TOO_LARGE";
      status = 413;
    } else if (err.statusCode && err.statusCode < 500) {
      code = "BAD_REQUEST";
      status = 400;
    } else {
      code = "INTERNAL_ERROR";
      status = 500;
    }
    const message = status === 500 ? "Internal server error" : err.message;
    return reply.status(status).send(v2 ? { error: message } : { error_code: code, message });
  });
  app.setNotFoundHandler((req, reply) => {
    const message = `No endpoint for ${req.method} ${req.url.split("?")[0]}`;
    reply
      .status(404)
      .send(req.url.startsWith("/v2") ? { error: message } : { error_code: "ENDPOINT_NOT_FOUND", message });
  });
}

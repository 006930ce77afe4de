/** Error bodies of the inference routes: MLflow's `{error_code, message}`, or `{"error": ...}` under `/v2`. */
import type { FastifyError, FastifyInstance } from "fastify";
import { httpStatusFor, isMwError } from "../core/errors.js";
import { requestId } from "./scoring/request-scoring.js";

/** The status and code for an error; never a 5xx for a client's mistake. */
export function servingStatus(err: FastifyError): { status: number; code: string } {
  if (isMwError(err)) return { status: httpStatusFor(err.code), code: err.code };
  if (err.statusCode === 413 || err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return { status: 413, code: "PAYLOAD_TOO_LARGE" };
  if (err.statusCode && err.statusCode < 500) return { status: 400, code: "BAD_REQUEST" };
  return { status: 500, code: "INTERNAL_ERROR" };
}

/** The status and body of an error answer: `{"error"}` under `/v2`, MLflow's `{error_code, message}` elsewhere. */
export function servingErrorAnswer(err: FastifyError, url: string): { status: number; body: object } {
  const { status, code } = servingStatus(err);
  // A model's own failure names the model (useful to operators); other 500s stay opaque.
  const message = status === 500 && !isMwError(err) ? "Internal server error" : err.message;
  return { status, body: isV2(url) ? { error: message } : { error_code: code, message } };
}

/**
 * The extra of a 5xx, so it can be traced: the request id (header and body), `Retry-After` on a
 * 503, and one line to `log` with the id, route, code and cause (the log redacts secrets).
 */
export function traceServerError(
  err: FastifyError,
  answer: { status: number; body: object },
  where: { id: string; method: string; url: string },
  log: (line: string) => void,
): { headers: Record<string, string>; body: object } {
  const code = "error_code" in answer.body ? String(answer.body.error_code) : servingStatus(err).code;
  const route = where.url.split("?")[0];
  const cause = err.cause instanceof Error ? err.cause.message : err.message;
  log(`error ${answer.status} ${code} request ${where.id} ${where.method} ${route}: ${cause}`);
  const headers: Record<string, string> = { "x-request-id": where.id };
  if (answer.status === 503) headers["retry-after"] = "1";
  return { headers, body: { ...answer.body, request_id: where.id } };
}

/** Install the error handler on an (encapsulated) inference context; `log` gets a line per 5xx. */
export function installServingErrors(app: FastifyInstance, log: (line: string) => void = () => {}): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const answer = servingErrorAnswer(err, req.url);
    if (answer.status < 500) return reply.status(answer.status).send(answer.body);
    const id = req.scoring?.requestId ?? requestId(req.headers);
    const traced = traceServerError(err, answer, { id, method: req.method, url: req.url }, log);
    return reply.status(answer.status).headers(traced.headers).send(traced.body);
  });
}

/** The 404 for paths no route matches (root contexts only). */
export function installServingNotFound(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    const message = `No endpoint for ${req.method} ${req.url.split("?")[0]}`;
    reply.status(404).send(isV2(req.url) ? { error: message } : { error_code: "ENDPOINT_NOT_FOUND", message });
  });
}

function isV2(url: string): boolean {
  return url.startsWith("/v2");
}

/** Error bodies of the inference routes: MLflow's `{error_code, message}`, or `{"error": ...}` under `/v2`. */
import type { FastifyError, FastifyInstance } from "fastify";
import { httpStatusFor, isMwError } from "../core/errors.js";

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

/** Install the error handler on an (encapsulated) inference context. */
export function installServingErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, body } = servingErrorAnswer(err, req.url);
    return reply.status(status).send(body);
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

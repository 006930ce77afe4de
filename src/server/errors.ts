/** One error renderer for the whole server: MLflow's `{error_code, message}` with the mapped status. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { redactSecrets } from "../auth/redact.js";
import type { ErrorCode } from "../core/errors.js";
import { isMwError } from "../core/errors.js";
import type { LogLine } from "../core/logging/repeat-limited-log.js";

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "INVALID_PARAMETER_VALUE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_PARAMETER_VALUE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
  FST_ERR_BAD_URL: "BAD_REQUEST",
};

/**
 * Install the error and not-found handlers. Every 5xx carries the request id (header and body) and
 * is logged once with it, the route, the code and the cause (secrets redacted). Each 5xx gets its
 * own line, even during an outage: a client's request id must lead to one line of the log (the
 * background loops' repeated warnings are the ones said once per window).
 */
export function installErrorHandlers(app: FastifyInstance, log: LogLine = () => {}): void {
  const serverError = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    code: ErrorCode,
    message: string,
    cause: unknown,
  ) => {
    const route = req.routeOptions.url ?? req.url.split("?")[0];
    const why =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    log(redactSecrets(`error ${status} ${code} request ${req.id} ${req.method} ${route}: ${why}`));
    if (code === "TEMPORARILY_UNAVAILABLE") reply.header("retry-after", "1");
    return reply.status(status).header("x-request-id", req.id).send({ error_code: code, message, request_id: req.id });
  };
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isMwError(err)) {
      if (err.status >= 500) return serverError(req, reply, err.status, err.code, err.message, err);
      return reply.status(err.status).send({ error_code: err.code, message: err.message });
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    const status = err.statusCode ?? 500;
    if (mapped || (status >= 400 && status < 500)) {
      const code = mapped ?? (status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST");
      return reply.status(code === "PAYLOAD_TOO_LARGE" ? 413 : 400).send({ error_code: code, message: err.message });
    }
    return serverError(req, reply, 500, "INTERNAL_ERROR", "Internal server error", err);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      error_code: "ENDPOINT_NOT_FOUND",
      message: `No endpoint for ${req.method} ${req.url.split("?")[0]}`,
    });
  });
}

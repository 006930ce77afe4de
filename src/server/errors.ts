/** One error renderer for the whole server: MLflow's `{error_code, message}` with the mapped status. */
import type { FastifyError, FastifyInstance } from "fastify";
import type { ErrorCode } from "../core/errors.js";
import { isMwError } from "../core/errors.js";

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "INVALID_PARAMETER_VALUE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_PARAMETER_VALUE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
  FST_ERR_BAD_URL: "BAD_REQUEST",
};

/** Install the error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isMwError(err)) {
      return reply.status(err.status).send({ error_code: err.code, message: err.message });
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    const status = err.statusCode ?? 500;
    if (mapped || (status >= 400 && status < 500)) {
      const code = mapped ?? (status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST");
      return reply.status(code === "PAYLOAD_TOO_LARGE" ? 413 : 400).send({ error_code: code, message: err.message });
    }
    req.log.error({ err }, "unhandled error");
    return reply.status(500).send({ error_code: "INTERNAL_ERROR", message: "Internal server error" });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({
      error_code: "ENDPOINT_NOT_FOUND",
      message: `No endpoint for ${req.method} ${req.url.split("?")[0]}`,
    });
  });
}

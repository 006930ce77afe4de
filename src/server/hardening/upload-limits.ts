/**
 * The upload limit on dataset uploads, checked on the declared length before a byte is read (the
 * stores also count the bytes as they stream, for chunked bodies). The artifact routes check theirs
 * in src/server/mlflow/artifact-routes.ts.
 */
import type { FastifyInstance } from "fastify";
import { MwError } from "../../core/errors.js";
import { RAW_BODY_ROUTES } from "./json-bodies.js";

/** Answer 413 (and close the connection, not drain the body) for a declared upload over `maxBytes`. */
export function installUploadLimit(app: FastifyInstance, maxBytes: number): void {
  app.addHook("onRequest", (req, reply, done) => {
    const route = req.routeOptions.url;
    const declared = Number(req.headers["content-length"]);
    if (route === undefined || !RAW_BODY_ROUTES.has(route) || !(declared > maxBytes)) return done();
    reply.header("connection", "close");
    done(
      new MwError(
        "PAYLOAD_TOO_LARGE",
        `Upload of ${declared} bytes exceeds the limit of ${maxBytes} (--max-upload-bytes).`,
      ),
    );
  });
}

/** What the platform app installs on itself: security headers on every answer, JSON-only state changes, upload limits. */
import type { FastifyInstance } from "fastify";
import { installJsonOnlyBodies } from "./json-bodies.js";
import { installSecurityHeaders } from "./security-headers.js";
import { installUploadLimit } from "./upload-limits.js";

/** Largest artifact or dataset upload unless configured (`--max-upload-bytes`): 2 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

/** Install the app-level protections (the node-level ones are in request-guard.ts). */
export function installAppHardening(app: FastifyInstance, o: { maxUploadBytes?: number }): void {
  installSecurityHeaders(app);
  installJsonOnlyBodies(app);
  installUploadLimit(app, o.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
}

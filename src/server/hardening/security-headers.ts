/**
 * Headers on every answer of the platform app: no framing by other sites (clickjacking of the UI's
 * buttons), no MIME sniffing, and no Referer carrying run or model names to links the UI follows.
 */
import type { FastifyInstance } from "fastify";

/** The framing rule; appended to a route's own Content-Security-Policy when it has none. */
export const FRAME_ANCESTORS = "frame-ancestors 'none'";

/** Set the security headers on one answer, keeping (and completing) a CSP the route chose. */
export function applySecurityHeaders(setHeader: (name: string, value: string) => void, csp: unknown): void {
  setHeader("x-content-type-options", "nosniff");
  setHeader("x-frame-options", "DENY");
  setHeader("referrer-policy", "no-referrer");
  if (typeof csp !== "string" || csp === "") setHeader("content-security-policy", FRAME_ANCESTORS);
  else if (!csp.includes("frame-ancestors")) setHeader("content-security-policy", `${csp}; ${FRAME_ANCESTORS}`);
}

/** Add the security headers to every answer of `app` (routes registered before or after). */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", (_req, reply, payload, done) => {
    applySecurityHeaders((n, v) => reply.header(n, v), reply.getHeader("content-security-policy"));
    done(null, payload);
  });
}

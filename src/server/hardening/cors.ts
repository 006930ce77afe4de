/**
 * Cross-origin rules. By default no answer carries `Access-Control-Allow-Origin`, so pages on other
 * sites cannot read anything; `--cors-origins` names the web apps that may. Browsers do send some
 * cross-site requests without asking (a form POST, `fetch` with a simple body): those that change
 * state are refused unless they come from this server's own origin or a configured one, which
 * protects every route, `/invocations` with `text/csv` included.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { invalidParam } from "../../core/errors.js";
import { hostnameOf } from "./host-check.js";
import { refuse } from "./refuse.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const TOKEN_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~, -]*$/;
const EXPOSED = "x-request-id, x-modelworks-model, x-modelworks-variant, retry-after";

/** Parse `--cors-origins` / MODELWORKS_CORS_ORIGINS: `scheme://host[:port]` entries, or `*` for any origin. */
export function parseOriginList(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (entry === "*") {
      out.push("*");
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {}
    if (
      !url ||
      (url.protocol !== "http:" && url.protocol !== "https:") ||
      url.origin !== entry.replace(/\/$/, "").toLowerCase()
    )
      throw invalidParam(`--cors-origins: '${entry}' is not an origin like https://app.example.com[:port]`);
    out.push(url.origin);
  }
  return out;
}

/** The cross-origin check; `handle` answers (true) preflights and refusals, and marks allowed answers. */
export interface CorsPolicy {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/** The policy for the configured origins (none: no cross-origin access at all). */
export function corsPolicy(origins: readonly string[]): CorsPolicy {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  return {
    handle(req, res) {
      const origin = req.headers.origin;
      if (origin === undefined) return false;
      const trusted = any || allowed.has(origin);
      if (origins.length > 0) res.setHeader("vary", "Origin");
      if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined) {
        if (!trusted) return refuseOrigin(req, res, origin);
        const asked = req.headers["access-control-request-headers"];
        res.writeHead(204, {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
          "access-control-allow-headers": asked && TOKEN_LIST.test(asked) ? asked : "authorization, content-type",
          "access-control-max-age": "600",
          vary: "Origin",
        });
        res.end();
        return true;
      }
      if (trusted) {
        res.setHeader("access-control-allow-origin", origin);
        res.setHeader("access-control-expose-headers", EXPOSED);
        return false;
      }
      if (STATE_CHANGING.has(req.method ?? "") && !sameOrigin(origin, req.headers.host))
        return refuseOrigin(req, res, origin);
      return false;
    },
  };
}

/** Whether `origin` is the server's own, as the request's Host names it (default ports filled in). */
export function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const fallback = url.protocol === "https:" ? "443" : "80";
  const colon = host.lastIndexOf(":");
  const hostPort = colon > host.lastIndexOf("]") ? host.slice(colon + 1) : "";
  return hostnameOf(host) === url.hostname && (hostPort || fallback) === (url.port || fallback);
}

function refuseOrigin(req: IncomingMessage, res: ServerResponse, origin: string): true {
  return refuse(
    req,
    res,
    403,
    "PERMISSION_DENIED",
    `Cross-origin request from '${origin.slice(0, 200)}' refused: allow that web app with --cors-origins (or MODELWORKS_CORS_ORIGINS).`,
  );
}

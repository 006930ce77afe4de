/** One JSON POST to an integration (webhook, chat notification) that reports instead of throwing. */
import type { OutboundGuard } from "./outbound-request.js";
import { isRedirect, OutboundError, outboundRequest } from "./outbound-request.js";

/** Most response-body bytes read: enough for an error message, never a whole download. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** Characters of the response body quoted in an error. */
const SNIPPET_CHARS = 200;

export interface PostJsonResult {
  /** True for a 2xx answer within the timeout. */
  ok: boolean;
  /** The HTTP status, when an answer came. */
  status?: number;
  durationMs: number;
  /** Why it failed: refused by the outbound policy, the connection, the timeout, a redirect, or the status with a body snippet; never the URL. */
  error?: string;
}

export interface PostJsonOptions {
  timeoutMs: number;
  /** Which URLs may be called and where their hosts may resolve (the admin's outbound policy). */
  guard: OutboundGuard;
  /** Tests only: answer with this fetch instead of connecting (the URL is still checked, DNS is not). */
  fetch?: typeof fetch;
  /** Extra request headers (e.g. a signature over the body). */
  headers?: Record<string, string>;
}

/** POST `body` as JSON; the timeout covers resolving, connecting, the answer and reading its body. Never throws. */
export function postJson(url: string, body: unknown, o: PostJsonOptions): Promise<PostJsonResult> {
  return postJsonText(url, JSON.stringify(body), o);
}

/**
 * POST an already serialized JSON text (the exact bytes a signature was computed over). Never
 * throws; a URL the guard refuses is not requested, and a redirect is a failure, not followed.
 */
export async function postJsonText(url: string, text: string, o: PostJsonOptions): Promise<PostJsonResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await outboundRequest({
      method: "POST",
      url,
      guard: o.guard,
      timeoutMs: o.timeoutMs,
      maxBytes: MAX_RESPONSE_BYTES,
      headers: { ...o.headers, "content-type": "application/json", accept: "application/json, text/plain, */*" },
      body: text,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    const status = res.status;
    if (status >= 200 && status < 300) return { ok: true, status, durationMs: elapsed() };
    const why = isRedirect(status) ? ": redirect not followed" : snippet(res.text);
    return { ok: false, status, durationMs: elapsed(), error: `HTTP ${status}${why}` };
  } catch (e) {
    const err = e instanceof OutboundError ? e : new OutboundError("failed", String(e));
    const at = err.status === undefined ? "" : ` (HTTP ${err.status})`;
    const error =
      err.kind === "refused"
        ? `refused: ${err.message}`
        : err.kind === "timeout"
          ? `${err.message}${at}`
          : `request failed${at}: ${err.message}`;
    return { ok: false, ...(err.status !== undefined ? { status: err.status } : {}), durationMs: elapsed(), error };
  }
}

/** Why a URL cannot be posted to, or undefined when it can (http and https only). */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The text is left out: an unparsable URL may still hold a password.
    return "not a valid URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return `only http and https URLs are allowed, got '${parsed.protocol}'`;
  }
  return undefined;
}

/** The URL's host, for messages that are stored or shown (paths and queries often hold tokens). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "";
  return `: ${flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat}`;
}

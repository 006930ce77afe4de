/** One JSON POST to an integration (webhook, chat notification) that reports instead of throwing. */

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
  /** Why it failed: the URL, the connection, the timeout, or the status with a body snippet. */
  error?: string;
}

export interface PostJsonOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Extra request headers (e.g. a signature over the body). */
  headers?: Record<string, string>;
}

/** POST `body` as JSON; the timeout covers connecting, the answer and reading its body. Never throws. */
export function postJson(url: string, body: unknown, o: PostJsonOptions): Promise<PostJsonResult> {
  return postJsonText(url, JSON.stringify(body), o);
}

/** POST an already serialized JSON text (the exact bytes a signature was computed over). Never throws. */
export async function postJsonText(url: string, text: string, o: PostJsonOptions): Promise<PostJsonResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const bad = urlProblem(url);
  if (bad) return { ok: false, durationMs: 0, error: bad };
  const controller = new AbortController();
  let timedOut = false;
  // setTimeout fires at once for delays beyond 2^31 − 1 ms.
  const delay = Math.min(o.timeoutMs, 2 ** 31 - 1);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, delay);
  let status: number | undefined;
  try {
    const res = await (o.fetch ?? fetch)(url, {
      method: "POST",
      headers: { ...o.headers, "content-type": "application/json", accept: "application/json, text/plain, */*" },
      body: text,
      signal: controller.signal,
    });
    status = res.status;
    // Read (a bounded part of) the body even on success, so the connection is released.
    const answer = await readCapped(res.body, MAX_RESPONSE_BYTES);
    if (res.ok) return { ok: true, status, durationMs: elapsed() };
    return { ok: false, status, durationMs: elapsed(), error: `HTTP ${status}${snippet(answer)}` };
  } catch (e) {
    const at = status === undefined ? "" : ` (HTTP ${status})`;
    const error = timedOut ? `timed out after ${o.timeoutMs} ms${at}` : `request failed${at}: ${reason(e)}`;
    return { ok: false, ...(status !== undefined ? { status } : {}), durationMs: elapsed(), error };
  } finally {
    clearTimeout(timer);
  }
}

/** Why a URL cannot be posted to, or undefined when it can (http and https only). */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid URL: '${url}'`;
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

/** Up to `max` bytes of a body as text; the rest is cancelled, not downloaded. */
async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= max) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "";
  return `: ${flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat}`;
}

/** fetch wraps network errors ("fetch failed"); the cause says what happened (ECONNREFUSED, DNS). */
function reason(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Opaque page tokens: base64url of `{"offset": N}`, as MLflow's `SearchUtils.create_page_token`. */
import { invalidParam } from "./errors.js";

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The token for the page that starts at `offset`. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64url");
}

/** The offset a token encodes: 0 when absent or empty; INVALID_PARAMETER_VALUE when malformed. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === "") return 0;
  const shown = token.length > 64 ? `${token.slice(0, 64)}...` : token;
  if (!BASE64.test(token)) throw invalidParam(`Invalid page token '${shown}': not base64`);
  let parsed: unknown;
  try {
    // "base64" decoding accepts the URL-safe alphabet too, so MLflow-style tokens also work.
    parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    throw invalidParam(`Invalid page token '${shown}': not JSON`);
  }
  const offset = typeof parsed === "object" && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParam(`Invalid page token '${shown}': no non-negative integer offset`);
  }
  return offset;
}

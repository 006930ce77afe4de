/**
 * Request media types, for the routes that refuse bodies a browser could send cross-site without
 * asking first: the CORS-safelisted ("simple") types go out from any web page with no preflight.
 */
import type { IncomingHttpHeaders } from "node:http";
import { MwError } from "../errors.js";

/** The types a cross-site form or `fetch(..., {mode: "no-cors"})` may send without a preflight. */
const SIMPLE_TYPES = new Set(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]);

/** The media type of a Content-Type header, lower-cased and without parameters ("" when absent). */
export function mediaTypeOf(header: string | undefined): string {
  if (!header) return "";
  const semi = header.indexOf(";");
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/** Whether the request carries a body (a declared non-zero length, or a chunked one). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers["transfer-encoding"] !== undefined) return true;
  const length = headers["content-length"];
  return length !== undefined && length !== "0";
}

/** Whether a media type is one a web page can send to another site without a CORS preflight. */
export function isSimpleMediaType(type: string): boolean {
  return SIMPLE_TYPES.has(type);
}

/** Throw UNSUPPORTED_MEDIA_TYPE (415) unless a request with a body declares `application/json`. */
export function requireJsonBody(headers: IncomingHttpHeaders, what: string): void {
  if (!hasBody(headers)) return;
  const type = mediaTypeOf(headers["content-type"]);
  if (type === "application/json") return;
  throw new MwError(
    "UNSUPPORTED_MEDIA_TYPE",
    `${what} takes a JSON body: send it with Content-Type: application/json (got ${type ? `'${type}'` : "no Content-Type"}).`,
  );
}

/**
 * Throw UNSUPPORTED_MEDIA_TYPE (415) when a raw upload's Content-Type is missing or one a web page
 * could send cross-site (text/plain, form encodings); any other type (text/csv, application/octet-stream) passes.
 */
export function requireNonSimpleBody(headers: IncomingHttpHeaders, what: string): void {
  if (!hasBody(headers)) return;
  const type = mediaTypeOf(headers["content-type"]);
  if (type && !isSimpleMediaType(type)) return;
  throw new MwError(
    "UNSUPPORTED_MEDIA_TYPE",
    `${what} takes the file's bytes with their own Content-Type (text/csv, application/octet-stream, ...) or ` +
      `a JSON body (application/json); ${type ? `'${type}'` : "a body without a Content-Type"} is not accepted.`,
  );
}

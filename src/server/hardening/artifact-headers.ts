/**
 * Headers of an artifact download. Artifacts are whatever a run logged, so a browser must never run
 * one as a page of this server's origin: every download is sandboxed by its CSP (no scripts, an
 * opaque origin, nothing loaded), never sniffed, and the types a browser would execute or render
 * as a document (HTML, SVG, XML, JavaScript, PDF) always download as attachments. The web UI's
 * previews keep working: it reads HTML as text into a `sandbox=""` frame and shows images with
 * `<img>`, where neither the CSP nor the disposition of the image's own response applies.
 */
import { basename, extname } from "node:path";

/** The policy of every artifact answer: nothing may load or run, and the document gets an opaque origin. */
export const ARTIFACT_CSP = "default-src 'none'; sandbox";

/** Extensions a browser renders as an active document (scripts, links, forms), whatever the type says. */
const ACTIVE_EXTENSIONS = new Set([
  ".html",
  ".htm",
  ".xhtml",
  ".xht",
  ".shtml",
  ".svg",
  ".svgz",
  ".xml",
  ".xsl",
  ".xslt",
  ".js",
  ".mjs",
  ".cjs",
  ".pdf",
  ".swf",
]);

/** Media types a browser executes or renders as an active document. */
const ACTIVE_TYPES = new Set([
  "text/html",
  "application/xhtml+xml",
  "image/svg+xml",
  "text/xml",
  "application/xml",
  "text/xsl",
  "text/javascript",
  "application/javascript",
  "application/pdf",
]);

/** Whether a browser would run or render a file of this name and type as an active document. */
export function isActiveContent(path: string, contentType: string): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return ACTIVE_TYPES.has(type) || ACTIVE_EXTENSIONS.has(extname(path).toLowerCase());
}

/** The headers of an artifact answer; `wanted` is the route's disposition, forced to attachment for active content. */
export function artifactHeaders(
  path: string,
  contentType: string,
  wanted: "attachment" | "inline",
): Record<string, string> {
  const disposition = isActiveContent(path, contentType) ? "attachment" : wanted;
  return {
    "content-type": contentType,
    "content-disposition": contentDisposition(disposition, basename(path)),
    "content-security-policy": ARTIFACT_CSP,
    "x-content-type-options": "nosniff",
  };
}

/**
 * A Content-Disposition with a quoted ASCII name and, when the name is not plain ASCII, its UTF-8
 * form (RFC 6266 / 8187): quotes, backslashes and control characters never reach the header.
 */
export function contentDisposition(disposition: "attachment" | "inline", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  if (ascii === name) return `${disposition}; filename="${name}"`;
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

function encodeRfc8187(text: string): string {
  // A lone surrogate would make encodeURIComponent throw.
  const wellFormed = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  return encodeURIComponent(wellFormed).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

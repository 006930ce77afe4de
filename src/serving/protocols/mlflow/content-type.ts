/**
 * MLflow scoring-server Content-Type rules for `POST /invocations`: `application/json` or
 * `text/csv`; the only parameter allowed is `charset`, and only UTF-8. Anything else is 415.
 */
import { MwError } from "../../../core/errors.js";
import { SCORING_PROTOCOL_CHANGE_INFO } from "./messages.js";

/** The body format a request declares. */
export type ScoringFormat = "json" | "csv";

/** Headers we have already accepted, keyed by the exact header text (bounded; the common ones repeat). */
const accepted = new Map<string, ScoringFormat>([
  ["application/json", "json"],
  ["application/json; charset=utf-8", "json"],
  ["application/json;charset=utf-8", "json"],
  ["application/json; charset=UTF-8", "json"],
  ["text/csv", "csv"],
  ["text/csv; charset=utf-8", "csv"],
  ["text/csv;charset=utf-8", "csv"],
  ["text/csv; charset=UTF-8", "csv"],
]);
const MAX_CACHED = 64;

/**
 * The format of a scoring request from its Content-Type header. MIME type and charset are
 * case-insensitive; `charset=utf-8` (or `utf8`, optionally quoted) is the only parameter allowed.
 * Throws UNSUPPORTED_MEDIA_TYPE (415) for a missing header, another charset, another parameter
 * (MLflow 1.x's `format=pandas-split`, say) or another MIME type.
 */
export function checkScoringContentType(header: string | undefined): ScoringFormat {
  if (header === undefined) throw unsupported("Missing Content-Type header; use 'application/json' or 'text/csv'.");
  const hit = accepted.get(header);
  if (hit !== undefined) return hit;
  const format = parseContentType(header);
  if (accepted.size < MAX_CACHED) accepted.set(header, format);
  return format;
}

function parseContentType(header: string): ScoringFormat {
  const parts = header.split(";");
  const mime = (parts[0] as string).trim().toLowerCase();
  const unknown: string[] = [];
  for (let i = 1; i < parts.length; i++) {
    const part = (parts[i] as string).trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (key !== "charset") {
      unknown.push(key);
      continue;
    }
    let value = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    const charset = value.toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") {
      throw unsupported(`The scoring server only supports UTF-8; got charset '${value}'.`);
    }
  }
  if (unknown.length > 0) {
    throw unsupported(`Unrecognized content type parameters: ${unknown.join(", ")}. ${SCORING_PROTOCOL_CHANGE_INFO}`);
  }
  if (mime === "application/json") return "json";
  if (mime === "text/csv") return "csv";
  throw unsupported(
    `This predictor only supports the following content types: 'application/json', 'text/csv'. Got '${header}'.`,
  );
}

function unsupported(message: string): MwError {
  return new MwError("UNSUPPORTED_MEDIA_TYPE", message);
}

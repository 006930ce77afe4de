/**
 * Reads an XGBoost model file in any format MLflow's xgboost flavor writes, told apart by content
 * as XGBoost itself does: JSON (`{"`), UBJSON (`{` then a key-length marker) or the legacy binary
 * format (`binf`). Every problem is an INVALID_PARAMETER_VALUE naming the file.
 */
import { invalidParam, isMwError } from "../../core/errors.js";
import { type ParsedXgboost, parseXgboostJson } from "../../learn/xgboost/xgboost-json.js";
import { readModelDataFile } from "../mlmodel.js";
import { decodeLegacyBinary, isLegacyBinary } from "./legacy-binary.js";
import { decodeUbjson } from "./ubjson.js";

/** The formats: JSON, Universal Binary JSON, legacy binary. */
export type XgboostFormat = "json" | "ubj" | "xgb";

const FORMAT_NAMES: Record<XgboostFormat, string> = {
  json: "XGBoost JSON",
  ubj: "XGBoost UBJSON",
  xgb: "XGBoost legacy binary",
};

/** A validated model and the format it came in. */
export interface XgboostFile {
  readonly format: XgboostFormat;
  readonly parsed: ParsedXgboost;
}

/** The format of a model file's bytes, or undefined when it is none of them. */
export function sniffXgboostFormat(buf: Uint8Array): XgboostFormat | undefined {
  if (isLegacyBinary(buf)) return "xgb";
  let i = 0;
  while (i < buf.length && isSpace(buf[i] as number)) i++;
  if (buf[i] !== 0x7b) return undefined; // "{"
  const next = buf[i + 1];
  if (i === 0 && next !== undefined && "iUIlL".includes(String.fromCharCode(next))) return "ubj";
  return "json";
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Decodes and validates model bytes; `label` (the file) starts every error message. */
export function parseXgboostBytes(buf: Uint8Array, label: string): XgboostFile {
  if (buf.length === 0) throw invalidParam(`'${label}': the XGBoost model file is empty`);
  const format = sniffXgboostFormat(buf);
  if (format === undefined) {
    const head = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw invalidParam(
      `'${label}': wrong magic: not an XGBoost model (expected JSON, UBJSON or the legacy binary format starting with 'binf'; the file starts with ${head})`,
    );
  }
  try {
    return { format, parsed: parseXgboostJson(decode(buf, format)) };
  } catch (e) {
    if (!isMwError(e)) throw e;
    const message = e.message.replace(/^XGBoost model JSON: /, "");
    throw invalidParam(`'${label}' (${FORMAT_NAMES[format]}): ${message}`);
  }
}

function decode(buf: Uint8Array, format: XgboostFormat): unknown {
  if (format === "xgb") return decodeLegacyBinary(buf);
  if (format === "ubj") return decodeUbjson(buf);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buf));
  } catch (e) {
    throw invalidParam(`not valid JSON (truncated?): ${(e as Error).message}`);
  }
}

/** Reads `path` and parses it; a missing or unreadable file is refused by name. */
export async function readXgboostFile(path: string): Promise<XgboostFile> {
  const buf = await readModelDataFile(path);
  return parseXgboostBytes(buf, path);
}

/**
 * Open Inference Protocol (KServe V2) datatypes and how they line up with a signature's column
 * types, plus the error constructor every V2 helper throws. The HTTP layer renders an
 * {@link MwError} from here as `{"error": message}` with status 400.
 */
import { MwError } from "../../../core/errors.js";
import type { ModelSignature, SignatureInput } from "../../../learn/package/model-package.js";

export const V2_DATATYPES = [
  "BOOL",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "FP16",
  "FP32",
  "FP64",
  "BF16",
  "BYTES",
] as const;
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** How a tensor's JSON elements are read: numbers, booleans, or strings (BYTES). */
export type DatatypeKind = "num" | "bool" | "bytes";

const KIND: ReadonlyMap<string, DatatypeKind> = new Map(
  V2_DATATYPES.map((d): [string, DatatypeKind] => [d, d === "BOOL" ? "bool" : d === "BYTES" ? "bytes" : "num"]),
);

/** The element kind of a V2 datatype, or undefined when it is not one. */
export function datatypeKind(datatype: unknown): DatatypeKind | undefined {
  return typeof datatype === "string" ? KIND.get(datatype) : undefined;
}

/** The V2 datatype advertised for a signature column. */
export function columnDatatype(type: SignatureInput["type"]): V2Datatype {
  switch (type) {
    case "float":
      return "FP64";
    case "int":
      return "INT64";
    case "bool":
      return "BOOL";
    default:
      return "BYTES";
  }
}

/**
 * A signature as the V2 helpers read it. `negative_class` is optional: labels are BYTES class
 * names only when both `positive_class` and `negative_class` are known, else INT64 0/1.
 */
export type V2Signature = ModelSignature & { negative_class?: string };

/** The output tensor names for a task, in response order. */
export function v2OutputNames(task: ModelSignature["task"]): readonly string[] {
  return task === "binary" ? BINARY_OUTPUTS : task === "multiclass" ? MULTICLASS_OUTPUTS : REGRESSION_OUTPUTS;
}
const MULTICLASS_OUTPUTS: readonly string[] = ["probabilities", "label"];
const BINARY_OUTPUTS: readonly string[] = ["probability", "label"];
const REGRESSION_OUTPUTS: readonly string[] = ["prediction"];

/** True when labels go out as class names (BYTES) rather than 0/1 (INT64). */
export function hasClassNames(signature: V2Signature): boolean {
  return typeof signature.positive_class === "string" && typeof signature.negative_class === "string";
}

/** A client error for a V2 request (status 400; body `{"error": message}`). */
export function v2BadRequest(message: string): MwError {
  return new MwError("BAD_REQUEST", message);
}

/** The V2 error body for a message. */
export function v2ErrorBody(message: string): { error: string } {
  return { error: message };
}

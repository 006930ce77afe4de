/** A model answered by a remote endpoint: batches sent over the pool, answers read as scores, failures as 502/503. */
import { MwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { ModelSignature, SignatureInput } from "../../learn/package/model-package.js";
import type { LoadedModel, ModelKind, ModelOutput } from "../runtime.js";
import { decodeMlflowResponse, encodeMlflowRequest } from "./mlflow-codec.js";
import { decodeOipResponse, encodeOipRequest, type OipPlan } from "./oip-codec.js";
import type { RemoteFlavor } from "./remote-flavor.js";
import { RemoteFailure, type RemoteHttp } from "./remote-http.js";
import { badAnswer } from "./remote-scores.js";

/** What loading found out about the endpoint. */
export interface RemoteDescription {
  kind: ModelKind;
  inputs: SignatureInput[];
  classes?: string[];
  /** v2: how batches are sent. */
  plan?: OipPlan;
}

/** The model; `endpoint` (the host) is what messages name. */
export class RemoteModel implements LoadedModel {
  readonly runtime = "remote" as const;
  readonly kind: ModelKind;
  readonly signature: ModelSignature;
  readonly classes: readonly string[] | undefined;

  constructor(
    private readonly http: RemoteHttp,
    private readonly flavor: RemoteFlavor,
    private readonly description: RemoteDescription,
    readonly endpoint: string,
    /** The bearer token, masked in any message the endpoint echoes it in. */
    private readonly token: string | undefined,
  ) {
    this.kind = description.kind;
    this.classes = description.classes;
    this.signature = signatureOf(flavor, description);
  }

  /** Score a batch: split into calls of at most `batch_rows` rows, sent concurrently. */
  async predict(table: Table): Promise<ModelOutput> {
    const rows = table.numRows;
    if (rows === 0) return { rows: 0, scores: new Float64Array(0) };
    const chunk = this.flavor.batchRows;
    if (rows <= chunk) return { rows, scores: await this.call(table) };
    const parts: Promise<Float64Array>[] = [];
    for (let at = 0; at < rows; at += chunk) parts.push(this.call(table.slice(at, at + chunk)));
    const answers = await Promise.all(parts);
    const scores = new Float64Array(answers.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of answers) {
      scores.set(a, at);
      at += a.length;
    }
    return { rows, scores };
  }

  /** Close the pooled connections. */
  async close(): Promise<void> {
    this.http.close();
  }

  private async call(table: Table): Promise<Float64Array> {
    const v2 = this.flavor.protocol === "v2";
    const { inputs, plan } = this.description;
    const body = v2 ? encodeOipRequest(table, inputs, plan as OipPlan) : encodeMlflowRequest(table, inputs);
    const url = new URL(v2 ? `${this.flavor.url}/infer` : this.flavor.url);
    const answer = await this.http.call("POST", url, body).catch((e: unknown) => {
      throw callError(e, this.endpoint);
    });
    if (answer.status < 200 || answer.status >= 300) throw statusError(answer, this.endpoint, this.token);
    const json = parseAnswer(answer.text, this.endpoint);
    const shape = { kind: this.kind, ...(this.classes ? { classes: this.classes } : {}) };
    return v2
      ? decodeOipResponse(json, table.numRows, shape, this.flavor.output, this.endpoint)
      : decodeMlflowResponse(json, table.numRows, shape, this.endpoint);
  }
}

/** A failed call as the platform's error: 503 when the endpoint is out of reach, 502 otherwise. */
export function callError(e: unknown, endpoint: string): MwError {
  if (!(e instanceof RemoteFailure)) return e instanceof MwError ? e : new MwError("BAD_GATEWAY", String(e));
  switch (e.kind) {
    case "unreachable":
      return new MwError(
        "TEMPORARILY_UNAVAILABLE",
        `The remote model at ${endpoint} cannot be reached (${e.message}).`,
      );
    case "timeout":
      return new MwError("TEMPORARILY_UNAVAILABLE", `The remote model at ${endpoint} gave ${e.message}.`);
    case "refused":
      return new MwError("BAD_GATEWAY", `Calling the remote model at ${endpoint} is not allowed: ${e.message}.`);
    default:
      return new MwError("BAD_GATEWAY", `The call to the remote model at ${endpoint} failed: ${e.message}.`);
  }
}

/** A non-2xx answer: 503 when the endpoint says it is busy or down, else 502; both quote its message. */
export function statusError(answer: { status: number; text: string }, endpoint: string, token?: string): MwError {
  const busy = answer.status === 429 || answer.status === 502 || answer.status === 503 || answer.status === 504;
  const redirect = answer.status >= 300 && answer.status < 400 ? " (redirects are not followed)" : "";
  const quoted = remoteMessage(answer.text, token);
  const message = `The remote model at ${endpoint} answered ${answer.status}${redirect}${quoted ? `: ${quoted}` : ""}`;
  return new MwError(busy ? "TEMPORARILY_UNAVAILABLE" : "BAD_GATEWAY", message);
}

/** JSON, or a 502 naming the endpoint. */
export function parseAnswer(text: string, endpoint: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badAnswer(endpoint, "a body that is not JSON");
  }
}

/**
 * The endpoint's own error message (OIP `error`, MLflow `message`, FastAPI `detail`, else the text):
 * one line of at most 300 characters, with our token masked should the endpoint echo it.
 */
export function remoteMessage(text: string, token?: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const field = [body?.error, body?.message, body?.detail].find((v) => typeof v === "string");
    if (typeof field === "string") message = field;
  } catch {
    // Not JSON: the text itself.
  }
  if (token) message = message.split(token).join("***");
  message = [...message]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? " " : ch))
    .join("")
    .replace(/ {2,}/g, " ")
    .trim();
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

function signatureOf(flavor: RemoteFlavor, d: RemoteDescription): ModelSignature {
  const signature: ModelSignature = { task: d.kind, inputs: d.inputs };
  if (d.kind === "multiclass" && d.classes) signature.classes = [...d.classes];
  if (d.kind === "binary") {
    signature.threshold = flavor.threshold ?? 0.5;
    if (d.classes) Object.assign(signature, { negative_class: d.classes[0], positive_class: d.classes[1] });
  }
  return signature;
}

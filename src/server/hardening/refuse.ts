/** The answer of a request refused before it reaches the app: MLflow's `{error_code, message}` (OIP's `{error}` under /v2). */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorCode } from "../../core/errors.js";
import { hasBody } from "../../core/http/media-type.js";
import { requestId } from "../../serving/scoring/request-scoring.js";

/** Write the refusal and end the response; always true (the request was taken). A 5xx names its request id (header and body). */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, string> = {},
): true {
  const payload: Record<string, string> = req.url?.startsWith("/v2")
    ? { error: message }
    : { error_code: code, message };
  const ids: Record<string, string> = {};
  if (status >= 500) {
    payload.request_id = requestId(req.headers);
    ids["x-request-id"] = payload.request_id;
  }
  const text = JSON.stringify(payload);
  const headers: Record<string, string | number> = {
    ...extra,
    ...ids,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-content-type-options": "nosniff",
  };
  // A body left unread would be drained to keep the connection open; closing it costs the client less.
  if (hasBody(req.headers)) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(text);
  return true;
}

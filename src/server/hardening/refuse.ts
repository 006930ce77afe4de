/** The answer of a request refused before it reaches the app: MLflow's `{error_code, message}` (OIP's `{error}` under /v2). */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorCode } from "../../core/errors.js";
import { hasBody } from "../../core/http/media-type.js";

/** Write the refusal and end the response; always true (the request was taken). */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, string> = {},
): true {
  const payload = req.url?.startsWith("/v2") ? { error: message } : { error_code: code, message };
  const text = JSON.stringify(payload);
  const headers: Record<string, string | number> = {
    ...extra,
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

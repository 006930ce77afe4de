/** Webhook body signatures: `sha256=<hex HMAC-SHA256 of the raw body>` under a shared secret (GitHub's scheme). */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The `X-Modelworks-Signature` value for a body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** True when `header` is the body's signature under `secret` (compared in constant time). */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

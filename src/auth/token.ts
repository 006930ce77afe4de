/** API tokens: `mwt_` + 32 random bytes; only their SHA-256 is stored. */
import { createHash, randomBytes } from "node:crypto";

const PREFIX = "mwt_";

/** A new token's secret text and its short public id. */
export function newToken(): { token: string; id: string } {
  return { token: PREFIX + randomBytes(32).toString("base64url"), id: randomBytes(6).toString("hex") };
}

/** The stored form of a token (hex SHA-256; tokens are random, so no salt or slow hash is needed). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** True when text has the shape of one of our tokens (cheap check before a lookup). */
export function looksLikeToken(text: string): boolean {
  return text.startsWith(PREFIX) && text.length === PREFIX.length + 43;
}

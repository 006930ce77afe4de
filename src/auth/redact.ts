/**
 * Masking secrets in what is stored, shown, logged or sent: URLs someone configured (webhooks,
 * notifications, Prometheus, database URIs) and free text that may quote them or a token.
 * A redacted URL keeps its scheme, host, port and (for http/https) first path segment — enough to
 * tell which integration it is — and masks the user and password, every later path segment of an
 * http(s) URL (chat webhooks such as hooks.slack.com/services/T/B/XXXX carry their secret there),
 * the values of query parameters whose names look like credentials, and the fragment.
 */

const MASK = "***";

/** Query parameter names that carry credentials (matched anywhere in the lower-cased name). */
const SECRET_KEY = /token|secret|passw|pwd|^pass$|sig|auth|key|code|credential|session|jwt|bearer/;

/** A path segment that looks like a credential on its own: long, and mixing letters and digits. */
const TOKEN_LIKE = /^(?=.*[a-z])(?=.*\d)[\w-]{16,}$/i;

/** `url` with its secrets masked; text that is not a URL is masked as free text. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return maskFreeText(url);
  }
  const userinfo = u.username !== "" || u.password !== "" ? `${MASK}@` : "";
  const authority = u.host === "" && !url.includes("//") ? "" : `//${userinfo}${u.host}`;
  // `http://prom:9090` stays without the "/" the parser adds. Only web URLs carry secrets in
  // their paths (webhooks); an s3:// or file:// path is a location, kept for diagnostics.
  const web = /^(https?|wss?):$/.test(u.protocol);
  const bare = u.pathname === "/" && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\//i.test(url);
  const path = bare ? "" : web ? redactPath(u.pathname) : u.pathname;
  return `${u.protocol}${authority}${path}${redactQuery(u.search)}${u.hash ? `#${MASK}` : ""}`;
}

/**
 * `text` with secrets masked: every URL in it (as {@link redactUrl}), `Bearer`/`Basic`
 * credentials, `password=...`-style pairs, and tokens with well-known prefixes (GitHub, Slack,
 * GitLab, AWS, Stripe, OpenAI-style `sk-`, JSON Web Tokens, Modelworks `mwt_`).
 */
export function redactSecrets(text: string): string {
  return maskFreeText(text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (m) => redactUrl(m)));
}

/** Every string inside a JSON-like value passed through {@link redactSecrets} (for event evidence). */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

function redactPath(path: string): string {
  const segments = path.split("/");
  // "/a/b/c" splits into ["", "a", "b", "c"]; keep "" and "a".
  if (segments.length <= 2) return TOKEN_LIKE.test(segments[1] ?? "") ? `/${MASK}` : path;
  const first = segments[1] as string;
  const rest = segments.slice(2).join("/");
  return `/${TOKEN_LIKE.test(first) ? MASK : first}${rest === "" ? "/" : `/${MASK}`}`;
}

function redactQuery(search: string): string {
  if (search === "" || search === "?") return search;
  const pairs = search.slice(1).split("&");
  return `?${pairs
    .map((pair) => {
      const eq = pair.indexOf("=");
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return TOKEN_LIKE.test(pair) ? MASK : pair;
      return SECRET_KEY.test(decodeSafe(key).toLowerCase()) ? `${key}=${MASK}` : pair;
    })
    .join("&")}`;
}

const PAIR =
  /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)(\s*[=:]\s*)[^\s&,;'"]+/gi;
const BEARER = /\b(Bearer)\s+[\w.~+/=-]{6,}/gi;
/** Basic credentials are base64: a digit, '+', '/', '=' or mixed case tells them from a word such as "authentication". */
const BASIC = /\b(Basic)\s+(?=[\w+/]*(?:[\d+/=]|[a-z][A-Z]))[\w+/]{8,}=*/g;
const KNOWN_TOKENS = new RegExp(
  [
    "\\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}",
    "\\bgithub_pat_[A-Za-z0-9_]{20,}",
    "\\bxox[abposr]-[A-Za-z0-9-]{10,}",
    "\\bxapp-[A-Za-z0-9-]{10,}",
    "\\bglpat-[A-Za-z0-9_-]{20,}",
    "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b",
    "\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}",
    "\\bsk-[A-Za-z0-9_-]{20,}",
    "\\bAIza[0-9A-Za-z_-]{30,}",
    "\\beyJ[\\w-]{5,}\\.eyJ[\\w-]{5,}\\.[\\w-]+",
    "\\bmwt_[A-Za-z0-9_-]{20,}",
    "\\bnpm_[A-Za-z0-9]{30,}",
  ].join("|"),
  "g",
);

function maskFreeText(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>`]*@/gi, `$1${MASK}@`)
    .replace(BEARER, `$1 ${MASK}`)
    .replace(BASIC, `$1 ${MASK}`)
    .replace(PAIR, `$1$2${MASK}`)
    .replace(KNOWN_TOKENS, MASK);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll("+", " "));
  } catch {
    return s;
  }
}

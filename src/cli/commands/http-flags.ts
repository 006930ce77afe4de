/** The flags of every listening command that harden its HTTP server: allowed hosts, CORS, load shedding, upload size. */
import { DEFAULT_MAX_UPLOAD_BYTES } from "../../server/hardening/app-hardening.js";
import { parseOriginList } from "../../server/hardening/cors.js";
import { parseHostList } from "../../server/hardening/host-check.js";
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from "../../server/hardening/load-shedding.js";
import type { HttpHardening } from "../../server/hardening/request-guard.js";
import { intFlag } from "../cli-context.js";
import { cliParse } from "../cli-flags.js";

/** parseArgs options of the hardening flags. */
export const HARDENING_FLAGS = {
  "allowed-hosts": { type: "string" },
  "cors-origins": { type: "string" },
  "max-concurrent-requests": { type: "string" },
} as const;

/** parseArgs option of the upload limit (servers that take artifact and dataset uploads). */
export const UPLOAD_FLAGS = { "max-upload-bytes": { type: "string" } } as const;

/** Help lines of HARDENING_FLAGS. */
export const HARDENING_HELP = `  --allowed-hosts H1,H2  Host names the server answers to besides localhost and private-network
                 addresses (DNS-rebinding protection; env MODELWORKS_ALLOWED_HOSTS; '*.example.com'
                 for subdomains, '*' for any host). Others get 403; /health and /ping always answer.
  --cors-origins O1,O2   web apps (https://app.example.com) that may call the API from a browser
                 (env MODELWORKS_CORS_ORIGINS; default none)
  --max-concurrent-requests N  requests in flight before new ones get 503 + Retry-After (default
                 ${DEFAULT_MAX_CONCURRENT_REQUESTS}; predictions and other requests are counted apart)`;

/** Help line of UPLOAD_FLAGS. */
export const UPLOAD_HELP = `  --max-upload-bytes N   largest artifact or dataset upload (default ${DEFAULT_MAX_UPLOAD_BYTES}, 2 GiB)`;

/** The hardening a command's flags (and the environment) ask for; one-line CLI errors for bad values. */
export function hardeningOf(
  values: { "allowed-hosts"?: string; "cors-origins"?: string; "max-concurrent-requests"?: string },
  env: NodeJS.ProcessEnv,
): HttpHardening {
  return {
    allowedHosts: cliParse(() => parseHostList(values["allowed-hosts"] ?? env.MODELWORKS_ALLOWED_HOSTS)),
    corsOrigins: cliParse(() => parseOriginList(values["cors-origins"] ?? env.MODELWORKS_CORS_ORIGINS)),
    maxConcurrentRequests: intFlag(
      "max-concurrent-requests",
      values["max-concurrent-requests"],
      DEFAULT_MAX_CONCURRENT_REQUESTS,
      1,
      1_000_000,
    ),
  };
}

/** `--max-upload-bytes`, or the default. */
export function maxUploadBytesOf(values: { "max-upload-bytes"?: string }): number {
  return intFlag("max-upload-bytes", values["max-upload-bytes"], DEFAULT_MAX_UPLOAD_BYTES, 1, Number.MAX_SAFE_INTEGER);
}

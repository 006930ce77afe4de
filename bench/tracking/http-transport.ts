/**
 * A minimal `fetch` on node:http with one keep-alive socket, to pass as the SDK's `fetch` option.
 * Used only as a diagnostic next to Node's built-in fetch (undici), whose per-request client CPU
 * is a visible share of a 1,000-metric log-batch round trip.
 */
import { Agent, request } from "node:http";

/** A fetch-compatible function for plain-HTTP JSON requests through one keep-alive agent. */
export function nodeHttpFetch(): typeof fetch {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const impl = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const body = typeof init?.body === "string" ? init.body : undefined;
    const headers: Record<string, string | number> = { ...(init?.headers as Record<string, string> | undefined) };
    if (body !== undefined) headers["content-length"] = Buffer.byteLength(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: init?.method ?? "GET",
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  };
  return impl as typeof fetch;
}

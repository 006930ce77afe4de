/**
 * Requests over a real socket with the path sent verbatim: `app.inject()` and `fetch` resolve
 * `..` and `%2e%2e` segments before the server sees them, which would hide traversal bugs.
 */
import { request } from "node:http";
import type { HttpRequest, HttpResponse, Transport } from "./client.js";
import { response } from "./client.js";

/** With `chunked`, bodies go without a Content-Length, so only the server's streaming limit can stop them. */
export function rawTransport(port: number, opts: { chunked?: boolean } = {}): Transport {
  return (req: HttpRequest) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined && !opts.chunked) headers["content-length"] = Buffer.byteLength(req.body);
      let answered = false;
      const r = request({ host: "127.0.0.1", port, method: req.method, path: req.url, headers }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(response(res.statusCode ?? 0, res.headers["content-type"], Buffer.concat(chunks))));
        res.on("error", reject);
      });
      // The server may answer (413) and close while the body is still being written; the
      // response can then still be on its way, so give it a moment before failing.
      r.on("error", (e) => setTimeout(() => answered || reject(e), 200));
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
}

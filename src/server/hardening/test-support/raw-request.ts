/** Requests over a real socket with any Host and Origin (fetch would not let a test set Host). */
import type { ClientRequest, IncomingHttpHeaders } from "node:http";
import { request } from "node:http";

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> | undefined;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Send no Host header at all. */
  noHost?: boolean;
}

/** Send one request to 127.0.0.1:port and read the whole answer. */
export function rawRequest(port: number, r: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = open(port, r, (a) => resolve(a), reject);
    req.end(r.body);
  });
}

/** Start a request and leave it open (the caller writes, ends or destroys it); `answer` settles when a response arrives. */
export function openRequest(port: number, r: RawRequest): { req: ClientRequest; answer: Promise<RawAnswer> } {
  let req: ClientRequest | undefined;
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    req = open(port, r, resolve, reject);
  });
  // A request the test destroys rejects its answer; that is expected, not a failure.
  answer.catch(() => {});
  return { req: req as ClientRequest, answer };
}

function open(port: number, r: RawRequest, resolve: (a: RawAnswer) => void, reject: (e: Error) => void): ClientRequest {
  const req = request(
    { host: "127.0.0.1", port, method: r.method ?? "GET", path: r.path, headers: r.headers, setHost: !r.noHost },
    (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    },
  );
  req.on("error", reject);
  return req;
}

/** A local HTTP server for integration tests: records each request and answers as a test says. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface CaptureServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  requests: CapturedRequest[];
  /** Stop listening and drop open connections (including requests never answered). */
  close(): Promise<void>;
}

/** Start a server on a free port; `respond` answers each request (default 200 `ok`), or leaves it hanging. */
export async function captureServer(
  respond: (req: CapturedRequest, res: ServerResponse) => void = (_, res) => res.end("ok"),
): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const captured = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(captured);
      respond(captured, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on a local port nothing listens on (connections are refused). */
export async function deadUrl(): Promise<string> {
  const s = await captureServer();
  await s.close();
  return s.url;
}

/** A local HTTP server standing in for a remote model endpoint: answers as a test says, counts connections. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The parsed JSON body (undefined when empty or not JSON). */
  json: unknown;
}

/** What to answer: a status and a JSON body (or text), or `"reset"` to drop the connection, or `"hang"`. */
export type FakeAnswer = { status: number; body: unknown } | { status: number; text: string } | "reset" | "hang";

export interface FakeEndpoint {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  requests: FakeRequest[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** Start the server on a free loopback port. */
export async function fakeEndpoint(answer: (req: FakeRequest) => FakeAnswer): Promise<FakeEndpoint> {
  const requests: FakeRequest[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = body === "" ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, json };
      requests.push(r);
      send(res, answer(r));
    });
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, a: FakeAnswer): void {
  if (a === "hang") return;
  if (a === "reset") {
    res.socket?.destroy();
    return;
  }
  const text = "text" in a ? a.text : JSON.stringify(a.body);
  res.writeHead(a.status, { "content-type": "application/json" }).end(text);
}

/**
 * An OIP v2 binary model at `/v2/models/NAME`: inputs `x` (FP32) and `color` (BYTES); P(positive)
 * = 0.9 for color "red", else 0.1 + x / 100 (0.5 when x is missing); answers `predict_proba` [n, 2].
 */
export function binaryOipModel(name: string): (req: FakeRequest) => FakeAnswer {
  return (req) => {
    const base = `/v2/models/${name}`;
    if (req.method === "GET" && req.url === base) {
      return {
        status: 200,
        body: {
          name,
          platform: "fake",
          inputs: [
            { name: "x", datatype: "FP32", shape: [-1] },
            { name: "color", datatype: "BYTES", shape: [-1] },
          ],
          outputs: [{ name: "predict_proba", datatype: "FP64", shape: [-1, 2] }],
        },
      };
    }
    if (req.method === "POST" && req.url === `${base}/infer`) {
      const inputs = (req.json as { inputs: { name: string; data: unknown[] }[] }).inputs;
      const x = inputs.find((t) => t.name === "x")?.data ?? [];
      const color = inputs.find((t) => t.name === "color")?.data ?? [];
      const data = x.map((v, i) => {
        const p = color[i] === "red" ? 0.9 : v === null ? 0.5 : 0.1 + (v as number) / 100;
        return [1 - p, p];
      });
      return {
        status: 200,
        body: { model_name: name, outputs: [{ name: "predict_proba", datatype: "FP64", shape: [x.length, 2], data }] },
      };
    }
    return { status: 404, body: { error: `Model with name ${name} does not exist.` } };
  };
}

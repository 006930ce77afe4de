/**
 * The anchor: a bare `node:http` hello-world JSON server, run as its own process
 * (`node --import tsx bench/serving/lib/hello-server.ts`). It reads the request body to the end
 * (as any real handler must) and answers a fixed small JSON object; prints `{"url"}` when listening.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const BODY = JSON.stringify({ hello: "world" });
const HEADERS = { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) };

const server = createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});
// Keep-alive connections outlive any pause between benchmark phases.
server.keepAliveTimeout = 75_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once("SIGTERM", () => process.exit(0));

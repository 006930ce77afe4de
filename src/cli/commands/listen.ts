/** Listening and stopping, the same for every long-running command. */
import type { FastifyInstance } from "fastify";
import { CliError } from "../cli-context.js";

/** Listen on host:port (0 picks a free port); resolves to the URL. A busy port is a one-line CLI error. */
export async function listenOn(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (e) {
    throw new CliError(`cannot listen on ${host}:${port}: ${(e as Error).message}`);
  }
  const addr = app.server.address();
  return `http://${host}:${typeof addr === "object" && addr ? addr.port : port}`;
}

/**
 * Stop accepting, let requests in flight finish, close. Idle keep-alive sockets close at once; busy
 * ones get a grace period and are then cut, so a stop never waits out a client's keep-alive.
 */
export async function closeGracefully(app: FastifyInstance, graceMs = 5000): Promise<void> {
  const force = setTimeout(() => app.server.closeAllConnections(), graceMs);
  await app.close();
  clearTimeout(force);
}

/** Resolve on the first SIGINT or SIGTERM. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}

/** Start the bare node:http anchor in a child process. */
import type { ChildServer } from "./child-server.js";
import { startChildServer } from "./child-server.js";
import { libScript } from "./paths.js";

/** The hello-world node:http server, ready to take requests. */
export function startAnchor(): Promise<ChildServer> {
  return startChildServer("bare node:http", ["--import", "tsx", libScript("hello-server.ts")]);
}

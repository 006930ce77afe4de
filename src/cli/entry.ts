/** Process entry: run the CLI with this process's arguments. */
import { runCli } from "./main.js";

await runCli();

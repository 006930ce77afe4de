/** Process entry: run the CLI with this process's arguments. */
import { runCli } from "./main.js";

// The AWS SDK warns on every start that its 2027 releases will need Node 22; the version is pinned
// (package.json), so the warning says nothing to our users. An operator's own setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

await runCli();

/** The `modelworks` command: dispatch to subcommands, one-line errors, exit codes. */
import { isMwError } from "../core/errors.js";
import { VERSION } from "../version.js";
import type { CliIo } from "./cli-context.js";
import { CliError } from "./cli-context.js";
import { auditCommand } from "./commands/audit.js";
import { dataCommand } from "./commands/data.js";
import { demoCommand } from "./commands/demo.js";
import { deploymentsCommand } from "./commands/deployments.js";
import { driftCommand } from "./commands/drift.js";
import { featuresCommand } from "./commands/features.js";
import { modelsCommand } from "./commands/models.js";
import { monitorCommand } from "./commands/monitor.js";
import { permissionsCommand } from "./commands/permissions.js";
import { pipelineCommand } from "./commands/pipeline.js";
import { predictCommand } from "./commands/predict.js";
import { rolloutCommand } from "./commands/rollout.js";
import { runsCommand } from "./commands/runs.js";
import { serveCommand } from "./commands/serve.js";
import { serverCommand } from "./commands/server.js";
import { tokensCommand } from "./commands/tokens.js";
import { trainCommand } from "./commands/train.js";
import { upCommand } from "./commands/up.js";
import { usersCommand } from "./commands/users.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  up: { run: upCommand, summary: "the platform in one process: API and every active deployment" },
  server: { run: serverCommand, summary: "MLflow-compatible tracking and registry server" },
  data: { run: dataCommand, summary: "dataset versions: add, ls, show, diff, profile, validate" },
  runs: { run: runsCommand, summary: "list and show runs" },
  models: { run: modelsCommand, summary: "registered models, versions and aliases" },
  train: { run: trainCommand, summary: "fit, evaluate, track and register a model" },
  deployments: { run: deploymentsCommand, summary: "primary and candidate models, traffic weights, events" },
  rollout: { run: rolloutCommand, summary: "canary rollouts: start, status, promote, abort, rollback" },
  monitor: { run: monitorCommand, summary: "live drift and performance monitoring of deployments, alerts" },
  serve: { run: serveCommand, summary: "serve a model or a deployment (MLflow scoring and V2 protocols)" },
  predict: { run: predictCommand, summary: "batch-score a file with a registered model" },
  pipeline: { run: pipelineCommand, summary: "run pipeline files: steps, retries, cache, resume" },
  drift: { run: driftCommand, summary: "data and prediction drift of current data against a reference" },
  features: {
    run: featuresCommand,
    summary: "feature store: apply definitions, ls, show, point-in-time training sets",
  },
  users: { run: usersCommand, summary: "users of the platform: create, ls, delete, passwd" },
  tokens: { run: tokensCommand, summary: "API tokens: create (shown once), ls, revoke" },
  permissions: { run: permissionsCommand, summary: "grants on experiments, models, datasets, deployments, pipelines" },
  audit: { run: auditCommand, summary: "who changed what: users, grants, models, deployments, pipelines" },
  demo: { run: demoCommand, summary: "start a server and walk through logging to it" },
};

const HELP = `Modelworks ${VERSION} — one-process MLOps platform

Usage: modelworks <command> [options]    (modelworks <command> --help for details)

Commands:
${Object.entries(COMMANDS)
  .map(([n, c]) => `  ${n.padEnd(12)} ${c.summary}`)
  .join("\n")}`;

/** Run the CLI with arguments (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(HELP);
    return name ? 0 : 2;
  }
  if (name === "--version") {
    io.out(VERSION);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.err(`modelworks: unknown command '${name}'. Run 'modelworks --help'.`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    io.err(`modelworks ${name}: ${errorLine(e)}`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

function errorLine(e: unknown): string {
  if (isMwError(e)) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Entry point used by bin/modelworks.js. */
export async function runCli(): Promise<void> {
  const io: CliIo = {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
  process.exitCode = await main(process.argv.slice(2), io);
}

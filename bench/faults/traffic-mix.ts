/**
 * Issue 17's fault-injection scenario, reproducible: steady traffic (100 one-row predictions/s to a
 * deployment served by `up`, 50 runs/log-batch/s, 5 /health and 5 /health/ready per second, one
 * 64 KiB artifact upload per second) while one fault at a time is held, each against a fresh `up`
 * and store: PostgreSQL backends killed once and every 2 s, PostgreSQL stopped with -m fast and
 * -m immediate, `runs` locked, a SQLite write lock held by another process, the artifact folder
 * made read-only, and the serving cache deleted while the deployment changes. Then every
 * acknowledged write is read back, and the answered predictions are looked up in the prediction
 * log. Prints markdown tables (stdout) and writes bench/faults/results/traffic-mix[-quick].json.
 * Exits 1 when `up` exited during a fault, an acknowledged write or an answered prediction is
 * missing, or a fault could not be run; the other figures (latency, readiness, recovery) are
 * reported, not asserted.
 *
 *   node --import tsx bench/faults/traffic-mix.ts [--quick] [--hold 15] [--only NAME,...]
 *        [--client-timeout 10] [--db-timeout 5|default] [--pg-port 54410] [--keep] [--no-write]
 */
import { join } from "node:path";
import { writeResultsFile } from "../lib/results-file.js";
import { REPO_ROOT } from "../serving/lib/paths.js";
import { machineNote } from "../serving/lib/report.js";
import { log, parseFaultArgs } from "./lib/args.js";
import { FAULTS } from "./lib/faults.js";
import type { BenchPostgres } from "./lib/postgres.js";
import { postgresUnavailable, startPostgres } from "./lib/postgres.js";
import { faultNotes, summaryTable, typeTable } from "./lib/report.js";
import type { FaultResult } from "./lib/run-fault.js";
import { problems, runFault } from "./lib/run-fault.js";
import { fitPackages } from "./lib/scenario.js";

const args = parseFaultArgs();

async function main(): Promise<number> {
  const machine = machineNote();
  const faults = FAULTS.filter((f) => args.only.includes(f.name));
  const skipped: string[] = [];
  let pg: BenchPostgres | undefined;
  if (faults.some((f) => f.store === "postgres")) {
    const why = postgresUnavailable();
    if (why) {
      log(`skipping the PostgreSQL faults: ${why}`);
      skipped.push(...faults.filter((f) => f.store === "postgres").map((f) => `${f.name} (${why})`));
    } else {
      pg = await startPostgres(args.pgPort);
      log(`PostgreSQL on ${pg.adminUri} (${pg.dir})`);
    }
  }
  const env: NodeJS.ProcessEnv = args.dbTimeoutS ? { MODELWORKS_DB_TIMEOUT: args.dbTimeoutS } : {};
  const results: FaultResult[] = [];
  const failures: string[] = [];
  try {
    log("fitting churn v1 (GBDT 200 trees) and v2 (100 trees) on Telco");
    const packages = await fitPackages();
    for (const fault of faults) {
      if (fault.store === "postgres" && !pg) continue;
      try {
        results.push(
          await runFault(fault, packages, pg, {
            holdS: args.holdS,
            beforeS: args.beforeS,
            afterS: args.afterS,
            clientTimeoutMs: args.clientTimeoutMs,
            env,
            keep: args.keep,
            log,
          }),
        );
      } catch (e) {
        failures.push(`${fault.name}: the bench could not finish it: ${(e as Error).message}`);
        log(failures[failures.length - 1] as string);
      }
    }
  } finally {
    await pg?.stop();
  }
  const title = `bench/faults/traffic-mix${args.quick ? " --quick" : ""} (hold ${args.holdS} s)`;
  console.log(`\n## ${title}\n\n${summaryTable(results)}\n\n${typeTable(results)}\n`);
  const notes = [
    machine,
    `Traffic per second: 100 one-row POST /deployments/churn/invocations, 50 runs/log-batch (one metric), 5 GET /health, 5 GET /health/ready, 1 PUT of a 64 KiB artifact; open loop, latency from the due time; client time-out ${args.clientTimeoutMs / 1000} s. ${args.beforeS} s of traffic before each fault, ${args.afterS} s after it ended; the answers counted are those due from the fault's start on.`,
    `MODELWORKS_DB_TIMEOUT: ${args.dbTimeoutS ? `${args.dbTimeoutS} s` : "unset (the server's default, 10 s)"}. Each fault runs against a fresh \`up\` (node --import tsx src/cli/entry.ts) and a fresh store.`,
    ...faultNotes(results),
    ...skipped.map((s) => `skipped: ${s}`),
    ...failures,
  ];
  console.log(notes.map((n) => `- ${n}`).join("\n"));
  if (args.write) {
    const path = join(REPO_ROOT, "bench", "faults", "results", `traffic-mix${args.quick ? "-quick" : ""}.json`);
    const doc = {
      bench: "faults/traffic-mix",
      when: new Date().toISOString(),
      quick: args.quick,
      machine,
      holdS: args.holdS,
      clientTimeoutMs: args.clientTimeoutMs,
      dbTimeoutS: args.dbTimeoutS ?? null,
      results,
      skipped,
      failures,
    };
    log(`wrote ${writeResultsFile(REPO_ROOT, path, doc)}`);
  }
  const failed = results.filter((r) => problems(r).length > 0);
  for (const r of failed) log(`FAIL ${r.name}: ${problems(r).join("; ")}`);
  return failures.length > 0 || failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();

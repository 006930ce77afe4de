/** Flags of bench/faults/traffic-mix.ts. */
import { parseArgs } from "node:util";
import { FAULT_NAMES, QUICK_FAULTS } from "./fault-names.js";

export interface FaultBenchArgs {
  quick: boolean;
  /** Seconds each fault is held (default 15; 3 with --quick). */
  holdS: number;
  /** Seconds of traffic before each fault, and after it ends. */
  beforeS: number;
  afterS: number;
  /** Faults to run, in the catalogue's order (default: all; with --quick, {@link QUICK_FAULTS}). */
  only: string[];
  /** The client's time-out per request, in ms (default 10 s). */
  clientTimeoutMs: number;
  /**
   * MODELWORKS_DB_TIMEOUT for the servers, in seconds (default 5: below the client's time-out, so a
   * client time-out means the server did not keep its bound; `default`: leave it unset, 10 s).
   */
  dbTimeoutS: string | undefined;
  /** First port of the range this bench's PostgreSQL may use. */
  pgPort: number;
  keep: boolean;
  write: boolean;
}

const USAGE =
  "usage: node --import tsx bench/faults/traffic-mix.ts [--quick] [--hold S] [--only NAME,...] [--client-timeout S] [--db-timeout S|default] [--pg-port N] [--keep] [--no-write]";

/** Parse process.argv; unknown flags and fault names are errors. */
export function parseFaultArgs(argv = process.argv.slice(2)): FaultBenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean" },
      hold: { type: "string" },
      only: { type: "string" },
      "client-timeout": { type: "string" },
      "db-timeout": { type: "string" },
      "pg-port": { type: "string" },
      keep: { type: "boolean" },
      "no-write": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(`${USAGE}\nfaults: ${FAULT_NAMES.join(", ")} (--quick: ${QUICK_FAULTS.join(", ")}, held 3 s)`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : quick ? [...QUICK_FAULTS] : [...FAULT_NAMES];
  for (const name of only)
    if (!(FAULT_NAMES as readonly string[]).includes(name))
      throw new Error(`--only: unknown fault '${name}' (known: ${FAULT_NAMES.join(", ")})`);
  return {
    quick,
    holdS: positive(values.hold, quick ? 3 : 15, "hold"),
    beforeS: quick ? 1 : 5,
    afterS: quick ? 3 : 8,
    only: FAULT_NAMES.filter((n) => only.includes(n)),
    clientTimeoutMs: positive(values["client-timeout"], 10, "client-timeout") * 1000,
    dbTimeoutS: values["db-timeout"] === "default" ? undefined : (values["db-timeout"] ?? "5"),
    pgPort: positive(values["pg-port"], 54410, "pg-port"),
    keep: values.keep === true,
    write: values["no-write"] !== true,
  };
}

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${text}'\n${USAGE}`);
  return n;
}

/** Progress goes to stderr; stdout holds only the report. */
export const log = (line: string): void => {
  process.stderr.write(`[faults] ${line}\n`);
};

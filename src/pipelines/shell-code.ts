/**
 * Which arguments of a `command` step's `run` are code that a shell or interpreter runs
 * (`sh -c CODE`, `python -c CODE`, `node -e CODE`, `ssh host CODE`...). A `${...}` reference there
 * would let a param's text run as code, so the file is refused (values go through `env:` or as
 * separate arguments instead). The list is of common programs, not of every one that could.
 */
import { basename } from "node:path";

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "fish", "csh", "tcsh"]);
/** Programs that run the rest of their arguments as another command line (`timeout 5m sh -c ...`). */
const WRAPPERS = new Set(["env", "nice", "nohup", "time", "setsid", "sudo", "doas", "stdbuf", "timeout", "xargs"]);
/**
 * Interpreters: the short options whose value (next argument, or the rest of a cluster) is code,
 * long ones likewise, and the options that take the next argument as a value (not code).
 */
const CODE_FLAGS: Record<string, { short: string; long: string[]; values?: string[] }> = {
  python: { short: "c", long: [], values: ["-W", "-X"] },
  pypy: { short: "c", long: [], values: ["-W", "-X"] },
  node: {
    short: "ep",
    long: ["--eval", "--print"],
    values: [
      "-r",
      "--require",
      "--import",
      "--loader",
      "--experimental-loader",
      "-C",
      "--conditions",
      "--input-type",
      "--title",
      "--env-file",
    ],
  },
  bun: { short: "e", long: ["--eval", "--print"], values: ["-r", "--preload", "--cwd", "--env-file"] },
  perl: { short: "eE", long: [], values: ["-I", "-M", "-m"] },
  ruby: { short: "e", long: [], values: ["-I", "-r"] },
  php: { short: "r", long: [], values: ["-c", "-d"] },
  rscript: { short: "e", long: [] },
  r: { short: "e", long: [] },
};
/** Options of a shell that take the next argument as their value. */
const SHELL_VALUE_OPTIONS = new Set(["-o", "+o", "-O", "+O", "--rcfile", "--init-file"]);
/** ssh options that take a value; the first other argument is the host, the rest the remote command. */
const SSH_VALUE_LETTERS = "BbcDEeFIiJLlmOopQRSWw";

/** The indexes of `run`'s arguments that are code for an interpreter (empty when none is). */
export function codeArguments(run: readonly string[], from = 0): number[] {
  const program = programName(run[from]);
  if (program === undefined) return [];
  if (program === "busybox") return codeArguments(run, from + 1);
  if (WRAPPERS.has(program)) {
    if (program === "env" && run.slice(from + 1).some((a) => /^(-S|--split-string)/.test(a))) {
      return range(from + 1, run.length);
    }
    const next = run.findIndex((a, i) => i > from && isInterpreter(programName(a)));
    return next < 0 ? [] : codeArguments(run, next);
  }
  if (SHELLS.has(program)) return shellCode(run, from);
  if (program === "cmd") return afterFlag(run, from, (a) => /^\/[ck]$/i.test(a));
  if (program === "powershell" || program === "pwsh") {
    return afterFlag(run, from, (a) => /^-(c|command|e|ec|encodedcommand)$/i.test(a));
  }
  if (program === "ssh") return sshCode(run, from);
  if (program === "awk" || program === "gawk" || program === "mawk" || program === "sed") {
    return scriptCode(run, from, program === "sed" ? "e" : "");
  }
  if (program === "deno") return run[from + 1] === "eval" ? range(from + 2, run.length) : [];
  const flags = CODE_FLAGS[program.replace(/[0-9.]+$/, "")];
  return flags ? flagCode(run, from, flags) : [];
}

function programName(arg: string | undefined): string | undefined {
  if (arg === undefined) return undefined;
  return basename(arg.replace(/\\/g, "/"))
    .toLowerCase()
    .replace(/\.exe$/, "");
}

function isInterpreter(name: string | undefined): boolean {
  if (name === undefined) return false;
  return (
    SHELLS.has(name) ||
    ["busybox", "cmd", "powershell", "pwsh", "ssh", "awk", "gawk", "mawk", "sed", "deno"].includes(name) ||
    name.replace(/[0-9.]+$/, "") in CODE_FLAGS
  );
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

/** `sh [options] -c CODE [name args...]`: the first argument after the options, when `c` is among them. */
function shellCode(run: readonly string[], from: number): number[] {
  let command = false;
  for (let i = from + 1; i < run.length; i++) {
    const a = run[i] as string;
    if (a === "--" || a === "-") return command && i + 1 < run.length ? [i + 1] : [];
    if (SHELL_VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(a)) {
      if (a.startsWith("-") && a.includes("c")) command = true;
      // `-euo pipefail`: a cluster ending in o/O takes the next argument.
      if (/[oO]$/.test(a)) i++;
      continue;
    }
    if (a.startsWith("--")) continue;
    return command ? [i] : [];
  }
  return [];
}

/** Every argument after the first one `isFlag` accepts. */
function afterFlag(run: readonly string[], from: number, isFlag: (a: string) => boolean): number[] {
  const at = run.findIndex((a, i) => i > from && isFlag(a));
  return at < 0 ? [] : range(at + 1, run.length);
}

function sshCode(run: readonly string[], from: number): number[] {
  for (let i = from + 1; i < run.length; i++) {
    const a = run[i] as string;
    if (a.startsWith("-") && a.length > 1) {
      const last = a[a.length - 1] as string;
      if (a.length === 2 && SSH_VALUE_LETTERS.includes(last)) i++;
      continue;
    }
    return range(i + 1, run.length);
  }
  return [];
}

/** awk and sed: the `-e` (sed) values, or the first argument that is not an option when no -e/-f is given. */
function scriptCode(run: readonly string[], from: number, exprLetter: string): number[] {
  const out: number[] = [];
  let fromFile = false;
  for (let i = from + 1; i < run.length; i++) {
    const a = run[i] as string;
    if (exprLetter && (a === `-${exprLetter}` || a === "--expression")) {
      out.push(++i);
      continue;
    }
    if (a.startsWith("--expression=") || (exprLetter && a.startsWith(`-${exprLetter}`) && a.length > 2)) {
      out.push(i);
      continue;
    }
    if (a === "-f" || a === "--file") {
      fromFile = true;
      i++;
      continue;
    }
    if (a === "-v" || a === "-F") {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    if (out.length === 0 && !fromFile) out.push(i);
    break;
  }
  return out.filter((i) => i < run.length);
}

/** `python -c CODE`, `perl -ne CODE`, `node --eval=CODE`: the values of the code options. */
function flagCode(run: readonly string[], from: number, flags: (typeof CODE_FLAGS)[string]): number[] {
  const out: number[] = [];
  for (let i = from + 1; i < run.length; i++) {
    const a = run[i] as string;
    if (a === "--") break;
    if (flags.values?.includes(a)) {
      i++;
      continue;
    }
    const long = flags.long.find((l) => a === l || a.startsWith(`${l}=`));
    if (long) {
      out.push(a === long ? ++i : i);
      continue;
    }
    if (!/^-[A-Za-z]/.test(a) || a.startsWith("--")) {
      if (a.startsWith("--")) continue;
      break;
    }
    const at = [...a.slice(1)].findIndex((ch) => flags.short.includes(ch));
    if (at < 0) continue;
    // The rest of the cluster is the code (`-cprint(1)`), or else the next argument.
    out.push(at + 2 < a.length ? i : ++i);
  }
  return out.filter((i) => i < run.length);
}

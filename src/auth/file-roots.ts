/**
 * Which server-side files a client may name (a dataset `path`, a file to validate): only regular,
 * readable files whose real path (symlinks resolved) lies under a folder an admin configured with
 * `--data-root`. None are configured by default. Every refusal reads the same, so an answer never
 * tells whether a file outside the roots exists.
 */
import { constants } from "node:fs";
import { access, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { invalidParam, type MwError } from "../core/errors.js";

/** True when `child` is `parent` or lies below it (both absolute and normalized). */
function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Shown paths are clipped: the message echoes client input and must stay one line. */
function shown(path: string): string {
  const flat = path.replace(/\p{Cc}/gu, "?");
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** The policy for server-side file reads that clients ask for. */
export class FileRoots {
  private constructor(
    /** Absolute root folders, or "any" for the in-process CLI. */
    private readonly roots: readonly string[] | "any",
  ) {}

  /** No server-side reads at all (the default of a server). */
  static none(): FileRoots {
    return new FileRoots([]);
  }

  /**
   * Every file the process can read. Only for in-process CLI calls: their user already owns the
   * files, and the path came from their own command line, not from a client.
   */
  static unrestricted(): FileRoots {
    return new FileRoots("any");
  }

  /** Reads under these folders (relative ones resolved against `cwd`). */
  static of(dirs: readonly string[], cwd = process.cwd()): FileRoots {
    return new FileRoots([...new Set(dirs.map((d) => resolve(cwd, d)))]);
  }

  /** The configured folders ([] for none and for unrestricted). */
  get folders(): readonly string[] {
    return this.roots === "any" ? [] : this.roots;
  }

  /** Check at start-up that every configured folder exists, so a typo fails loudly, not per request. */
  async verify(): Promise<void> {
    for (const dir of this.folders) {
      const info = await stat(dir).catch(() => undefined);
      if (!info?.isDirectory()) throw invalidParam(`--data-root '${dir}' is not a folder.`);
    }
  }

  /**
   * The real path of a readable regular file the policy allows; otherwise one INVALID_PARAMETER_VALUE
   * whatever the reason (outside the roots, missing, not a file, unreadable).
   */
  async resolve(requested: string): Promise<string> {
    if (this.roots === "any") return resolveOwnFile(requested);
    const refuse = () => refusal(requested);
    if (this.roots.length === 0 || requested.includes("\0") || !isAbsolute(requested)) throw refuse();
    const roots = await this.realRoots();
    const lexical = resolve(requested);
    // Nothing outside the roots is touched, not even to stat it.
    if (!roots.some((r) => isInside(r, lexical))) throw refuse();
    const real = await realpath(lexical).catch(() => undefined);
    if (real === undefined || !roots.some((r) => isInside(r, real))) throw refuse();
    const info = await stat(real).catch(() => undefined);
    if (!info?.isFile()) throw refuse();
    if (
      !(await access(real, constants.R_OK).then(
        () => true,
        () => false,
      ))
    )
      throw refuse();
    return real;
  }

  /** Each root as configured and as its real path (a root may itself be a link); missing roots match nothing. */
  private async realRoots(): Promise<string[]> {
    const out = new Set<string>();
    for (const root of this.folders) {
      const real = await realpath(root).catch(() => undefined);
      if (real === undefined) continue;
      out.add(root);
      out.add(real);
    }
    return [...out];
  }
}

function refusal(requested: string): MwError {
  return invalidParam(
    `Server-side path '${shown(requested)}' is not readable: server-side reads are allowed only under the folders given with --data-root.`,
  );
}

/** The in-process CLI's own files: the usual, specific messages. */
async function resolveOwnFile(requested: string): Promise<string> {
  const abs = resolve(requested);
  const info = await stat(abs).catch(() => undefined);
  if (!info) throw invalidParam(`File not found: '${requested}'.`);
  if (!info.isFile()) throw invalidParam(`Not a regular file: '${requested}'.`);
  return abs;
}

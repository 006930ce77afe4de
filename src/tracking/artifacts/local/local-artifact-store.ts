/**
 * Artifacts in a local folder. Uploads stream into a hidden temp file beside the target and are
 * renamed into place, so readers never see a partial file and a failed upload keeps the old one.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type Dirent, type Stats } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidParam, type MwError, notFound } from "../../../core/errors.js";
import { ByteCounter, syncPath } from "../../../core/fs/byte-counter.js";
import type { ArtifactStore, FileInfo, PutOptions } from "../artifact-store.js";
import { normalizeArtifactPath, resolveContainedPath } from "../safe-path.js";

const TEMP_NAME = /^\..+\.tmp-[0-9a-f]{16}$/;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(e: unknown): boolean {
  const code = errno(e);
  return code === "ENOENT" || code === "ENOTDIR";
}

async function writeTemp(tmp: string, body: NodeJS.ReadableStream | Readable, limit: ByteCounter): Promise<void> {
  const out = createWriteStream(tmp, { flags: "wx" });
  try {
    await pipeline(body, limit, out);
  } finally {
    // The file opens asynchronously; wait for it to close so cleanup cannot race its creation.
    if (!out.closed) await once(out, "close");
  }
  // fsync through a second descriptor: a FileHandle shared with a stream cannot be closed reliably.
  const handle = await open(tmp, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** An {@link ArtifactStore} rooted at a local folder (created on first upload). */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;

  /** Serves artifacts from `root`; nothing outside it (symlinks included) is ever reached. */
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Streams `body` to `path` atomically; PAYLOAD_TOO_LARGE past `maxBytes`. */
  async put(path: string, body: NodeJS.ReadableStream | Readable, options?: PutOptions): Promise<{ size: number }> {
    if (normalizeArtifactPath(path) === "") throw invalidParam("Invalid path: an upload must name a file");
    await mkdir(this.root, { recursive: true });
    const abs = await resolveContainedPath(this.root, path);
    if ((await this.statAbs(abs))?.isDirectory()) throw this.isDirectory(path);
    await this.makeParents(path, dirname(abs));
    const tmp = join(dirname(abs), `.${basename(abs)}.tmp-${randomBytes(8).toString("hex")}`);
    const limit = new ByteCounter(options?.maxBytes ?? Number.POSITIVE_INFINITY, { what: "Artifact" });
    try {
      await writeTemp(tmp, body, limit);
      await rename(tmp, abs);
    } catch (e) {
      await rm(tmp, { force: true });
      if (errno(e) === "EISDIR") throw this.isDirectory(path);
      throw e;
    }
    await syncPath(dirname(abs));
    return { size: limit.size };
  }

  /** Opens a file for streaming without reading it into memory. */
  async get(path: string): Promise<{ stream: Readable; size: number }> {
    const abs = await this.resolveExisting(path);
    let handle: FileHandle;
    try {
      handle = await open(abs, "r");
    } catch (e) {
      if (isMissing(e)) throw this.missing(path);
      if (errno(e) === "EISDIR") throw this.isDirectory(path);
      throw e;
    }
    // Size and content come from the same open file, so a concurrent replace cannot mix them.
    const info = await handle.stat().catch(async (e: unknown) => {
      await handle.close();
      throw e;
    });
    if (info.isDirectory()) {
      await handle.close();
      throw this.isDirectory(path);
    }
    return { stream: handle.createReadStream(), size: info.size };
  }

  /** Lists the direct children of `dir` by basename; temp files are hidden. */
  async list(dir: string): Promise<FileInfo[]> {
    const abs = await this.resolveExisting(dir);
    let entries: Dirent[];
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
    const base = normalizeArtifactPath(dir);
    const infos = await Promise.all(
      entries.filter((d) => !TEMP_NAME.test(d.name)).map((d) => this.describe(base, abs, d)),
    );
    return infos.filter((f): f is FileInfo => f !== undefined).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /** Removes a file or a directory tree; the root itself cannot be deleted. */
  async delete(path: string): Promise<void> {
    if (normalizeArtifactPath(path) === "") throw invalidParam("Invalid path: cannot delete the artifact root");
    const abs = await this.resolveExisting(path);
    try {
      await rm(abs, { recursive: true, force: true });
    } catch (e) {
      // A path under a file (ENOTDIR) is as missing as an absent one.
      if (!isMissing(e)) throw e;
    }
  }

  /** Describes `path`, or undefined when nothing is there. */
  async stat(path: string): Promise<{ is_dir: boolean; size: number } | undefined> {
    const info = await this.statAbs(await this.resolveExisting(path));
    if (info === undefined) return undefined;
    return info.isDirectory() ? { is_dir: true, size: 0 } : { is_dir: false, size: info.size };
  }

  private async resolveExisting(path: string): Promise<string> {
    normalizeArtifactPath(path);
    // Without a root nothing exists yet; resolving lexically still validates the path.
    if ((await this.statAbs(this.root)) === undefined) return join(this.root, normalizeArtifactPath(path));
    return resolveContainedPath(this.root, path);
  }

  private async statAbs(abs: string): Promise<Stats | undefined> {
    try {
      return await stat(abs);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  private async makeParents(path: string, dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      const code = errno(e);
      if (code === "EEXIST" || code === "ENOTDIR") {
        throw invalidParam(`Invalid path: a parent of ${JSON.stringify(path)} is a file`);
      }
      throw e;
    }
  }

  private async describe(dir: string, absDir: string, entry: Dirent): Promise<FileInfo | undefined> {
    const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
    let abs = join(absDir, entry.name);
    if (entry.isSymbolicLink()) {
      // A link leading out of the root is not listed: its size would leak outside data.
      try {
        abs = await resolveContainedPath(this.root, rel);
      } catch {
        return undefined;
      }
    }
    const info = await this.statAbs(abs);
    if (info === undefined) return undefined;
    if (info.isDirectory()) return { path: entry.name, is_dir: true };
    return { path: entry.name, is_dir: false, file_size: info.size };
  }

  private missing(path: string): MwError {
    return notFound(`Artifact ${JSON.stringify(path)} does not exist`);
  }

  private isDirectory(path: string): MwError {
    return invalidParam(`Invalid path: ${JSON.stringify(path)} is a directory`);
  }
}

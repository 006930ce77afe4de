/**
 * Objects in a local folder, laid out as `sha256/ab/cdef...` (DVC's two-character fan-out).
 * Bytes stream into `tmp/` while hashed, are fsynced, then renamed into place, so a reader never
 * sees a partial object and a failed write leaves nothing behind.
 */
import { type Hash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { invalidParam, MwError, notFound } from "../../../core/errors.js";
import { ByteCounter, syncPath } from "../../../core/fs/byte-counter.js";
import type { ByteSource, ObjectStore, StagedObject, StageOptions } from "../object-store.js";
import { isSha256 } from "../object-store.js";

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** An {@link ObjectStore} rooted at a local folder (created on first write). */
export class LocalObjectStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file of an object: `<root>/sha256/ab/cdef...`. */
  pathOf(digest: string): string {
    if (!isSha256(digest)) throw invalidParam(`Invalid object digest '${digest}': expected 64 hex characters.`);
    return join(this.root, "sha256", digest.slice(0, 2), digest.slice(2));
  }

  async stage(source: ByteSource, options?: StageOptions): Promise<StagedObject> {
    const tmpDir = join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const suffix = (options?.suffix ?? "").replace(/[^A-Za-z0-9.]/g, "");
    const tmp = join(tmpDir, `${randomBytes(8).toString("hex")}${suffix}`);
    const counter = new ByteCounter(options?.maxBytes ?? Number.POSITIVE_INFINITY, { sha256: true });
    try {
      await writeAll(source, counter, tmp);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    const digest = (counter.hash as Hash).digest("hex");
    return this.staged(tmp, digest, counter.size);
  }

  async put(source: ByteSource, options?: StageOptions) {
    const staged = await this.stage(source, options);
    const { created } = await staged.commit();
    return { digest: staged.digest, size: staged.size, created };
  }

  async has(digest: string): Promise<boolean> {
    return exists(this.pathOf(digest));
  }

  async open(digest: string): Promise<{ stream: Readable; size: number }> {
    const path = this.pathOf(digest);
    const info = await stat(path).catch(() => undefined);
    if (!info) throw notFound(`No stored object with digest ${digest}.`);
    return { stream: createReadStream(path), size: info.size };
  }

  uri(digest: string): string {
    return pathToFileURL(this.pathOf(digest)).href;
  }

  private staged(tmp: string, digest: string, size: number): StagedObject {
    let done = false;
    return {
      digest,
      size,
      path: tmp,
      commit: async () => {
        if (done) throw new MwError("INVALID_STATE", "Staged object was already committed or discarded.");
        done = true;
        return this.commitTemp(tmp, digest);
      },
      discard: async () => {
        done = true;
        await rm(tmp, { force: true });
      },
    };
  }

  private async commitTemp(tmp: string, digest: string): Promise<{ created: boolean }> {
    const target = this.pathOf(digest);
    if (await exists(target)) {
      await rm(tmp, { force: true });
      return { created: false };
    }
    await mkdir(dirname(target), { recursive: true });
    // Read-only marks the snapshot immutable; identical bytes racing here rename over each other harmlessly.
    await chmod(tmp, 0o444);
    await rename(tmp, target);
    await syncPath(dirname(target));
    return { created: true };
  }
}

async function writeAll(source: ByteSource, counter: ByteCounter, tmp: string): Promise<void> {
  const out = createWriteStream(tmp, { flags: "wx" });
  try {
    await pipeline(source as AsyncIterable<Uint8Array>, counter, out);
  } finally {
    // The file opens asynchronously; wait for it to close so cleanup cannot race its creation.
    if (!out.closed) await once(out, "close");
  }
  await syncPath(tmp);
}

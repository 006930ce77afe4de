/**
 * An {@link ArtifactStore} over a tracking server's proxied artifact API
 * (`/api/2.0/mlflow-artifacts/artifacts`), so a client writes where the server keeps artifacts —
 * the same calls MLflow's own client makes.
 */
import { Readable } from "node:stream";
import type { ErrorCode } from "../../../core/errors.js";
import { ERROR_CODES, MwError } from "../../../core/errors.js";
import { ByteCounter } from "../../../core/fs/byte-counter.js";
import type { ArtifactStore, FileInfo, PutOptions } from "../artifact-store.js";
import { normalizeArtifactPath } from "../safe-path.js";

/** Artifacts behind `baseUrl` (a tracking URI such as `http://127.0.0.1:5000`). */
export class HttpArtifactStore implements ArtifactStore {
  private readonly root: string;

  constructor(
    baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.root = `${baseUrl.replace(/\/+$/, "")}/api/2.0/mlflow-artifacts/artifacts`;
  }

  private url(path: string): string {
    const clean = normalizeArtifactPath(path);
    return `${this.root}/${clean.split("/").map(encodeURIComponent).join("/")}`;
  }

  async put(path: string, body: NodeJS.ReadableStream | Readable, options?: PutOptions): Promise<{ size: number }> {
    // Streamed, never held whole in memory; the counter also enforces maxBytes on this side.
    const counter = new ByteCounter(options?.maxBytes ?? Number.POSITIVE_INFINITY, { what: "Artifact" });
    const stream = (body as Readable).pipe(counter);
    const init = { method: "PUT", body: Readable.toWeb(stream), duplex: "half" } as unknown as RequestInit;
    await this.check(await this.fetchImpl(this.url(path), init));
    return { size: counter.size };
  }

  async get(path: string): Promise<{ stream: Readable; size: number }> {
    const res = await this.check(await this.fetchImpl(this.url(path)));
    const bytes = Buffer.from(await res.arrayBuffer());
    return { stream: Readable.from([bytes]), size: bytes.length };
  }

  async list(dir: string): Promise<FileInfo[]> {
    const q = new URLSearchParams({ path: normalizeArtifactPath(dir) });
    const res = await this.check(await this.fetchImpl(`${this.root}?${q}`));
    return ((await res.json()) as { files?: FileInfo[] }).files ?? [];
  }

  async delete(path: string): Promise<void> {
    await this.check(await this.fetchImpl(this.url(path), { method: "DELETE" }));
  }

  async stat(path: string): Promise<{ is_dir: boolean; size: number } | undefined> {
    const clean = normalizeArtifactPath(path);
    const parent = clean.includes("/") ? clean.slice(0, clean.lastIndexOf("/")) : "";
    const name = clean.slice(clean.lastIndexOf("/") + 1);
    const entry = (await this.list(parent)).find((f) => f.path === name);
    return entry ? { is_dir: entry.is_dir, size: entry.file_size ?? 0 } : undefined;
  }

  private async check(res: Response): Promise<Response> {
    if (res.ok) return res;
    const text = await res.text();
    let err: { error_code?: string; message?: string } = {};
    try {
      err = JSON.parse(text);
    } catch {}
    const code = (ERROR_CODES as readonly string[]).includes(err.error_code ?? "")
      ? (err.error_code as ErrorCode)
      : "INTERNAL_ERROR";
    throw new MwError(code, err.message ?? `artifact request failed: HTTP ${res.status}`);
  }
}

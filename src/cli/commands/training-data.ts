/** Resolve `--data`/`--eval`: a dataset version (NAME[@VERSION]) or a local file, with its lineage. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatasetInput } from "../../core/api/mlflow-entities.js";
import { invalidParam } from "../../core/errors.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import type { DatasetProfile } from "../../data/profile.js";
import { readTable, readTableFromBuffer } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import { datasetInput } from "../../data/versions/lineage.js";
import type { Platform } from "../../server/open-platform.js";

/** A loaded training or evaluation table and what lineage records about it. */
export interface TrainingData {
  table: Table;
  digest: string;
  ref: string;
  input: DatasetInput;
  /** The stored profile of a dataset version (the drift reference), when there is one. */
  profile?: DatasetProfile;
}

/** Load `ref`: an existing file path wins; otherwise a dataset version of the embedded store. */
export async function loadTrainingData(ref: string, cwd: string, platform: Platform | undefined, context: string) {
  const path = resolve(cwd, ref);
  if ((await stat(path).catch(() => undefined))?.isFile()) return fromFile(path, context);
  if (!platform) {
    throw invalidParam(
      `'${ref}' is not a file; dataset versions can be used with the embedded store (no --tracking-uri).`,
    );
  }
  const dref = parseDatasetRef(ref);
  const version = await platform.datasets.store.getVersion(dref.name, dref.version);
  const uri = platform.datasets.objects.uri(version.digest);
  const table = uri.startsWith("file://")
    ? await readTable(fileURLToPath(uri), { format: version.format as "csv" })
    : await readTableFromBuffer(await readAllBytes((await platform.datasets.objects.open(version.digest)).stream), {
        format: version.format as "csv",
      });
  return {
    table,
    digest: version.digest,
    ref: `${version.name}@${version.version}`,
    input: datasetInput(version, { context }),
    profile: JSON.parse(version.profileJson) as DatasetProfile,
  } satisfies TrainingData;
}

async function fromFile(path: string, context: string): Promise<TrainingData> {
  const digest = await sha256File(path);
  const table = await readTable(path);
  return {
    table,
    digest,
    ref: path,
    input: {
      tags: [{ key: "mlflow.data.context", value: context }],
      dataset: { name: basename(path), digest, source_type: "local", source: path },
    },
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

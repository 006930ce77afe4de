/** A stored dataset version as a table (a training dataset a drift reference is built from). */
import { fileURLToPath } from "node:url";
import { readAllBytes } from "../../core/fs/read-all.js";
import type { ObjectStore } from "../../data/objects/object-store.js";
import type { TableFormat } from "../../data/read-table.js";
import { readTable, readTableFromBuffer } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import type { DatasetStore } from "../../data/versions/dataset-store.js";

/** A loader of dataset versions from the platform's dataset and object stores. */
export function datasetTableLoader(
  store: DatasetStore,
  objects: ObjectStore,
): (name: string, version: number) => Promise<Table> {
  return async (name, version) => {
    const v = await store.getVersion(name, version);
    const format = v.format as TableFormat;
    const uri = objects.uri(v.digest);
    // A local object is read in place; any other store is fetched first.
    if (uri.startsWith("file://")) return readTable(fileURLToPath(uri), { format });
    return readTableFromBuffer(await readAllBytes((await objects.open(v.digest)).stream), { format });
  };
}

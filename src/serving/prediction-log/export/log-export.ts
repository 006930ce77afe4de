/**
 * A deployment's prediction log as a CSV or Parquet file, produced as a stream of chunks: pages
 * of rows are read in key order, joined with their outcomes and handed to the format's sink, and
 * the caller pulls the bytes (memory holds one page, or one Parquet row group).
 */
import type { Queryable } from "../../../core/db/database.js";
import type { LogCatalog } from "../sql/log-catalog.js";
import type { DecodedRow } from "../sql/log-rows.js";
import { CellReader } from "./export-cells.js";
import { pageOutcomes, readPage } from "./export-pages.js";
import type { ExportPlan } from "./export-plan.js";
import type { ExportFormat } from "./export-sinks.js";
import { exportSink } from "./export-sinks.js";

/** Rows read per query. */
const PAGE_ROWS = 5_000;

/** What an export reads from. */
export interface ExportSource {
  q: Queryable;
  catalog: LogCatalog;
}

/** The export's bytes, chunk by chunk; `rows` counts the rows written so far. */
export async function* exportChunks(
  source: ExportSource,
  plan: ExportPlan,
  format: ExportFormat,
  progress?: { rows: number },
): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  const sink = exportSink(format, plan.columns, async (chunk) => {
    ready.push(chunk);
  });
  const id = plan.deploymentId;
  if (id !== undefined) {
    const { q, catalog } = source;
    const dict = await catalog.dictionary(q, id, true);
    const cells = new CellReader(plan, (code) => dict.schema(code).names);
    let after: DecodedRow | undefined;
    for (;;) {
      const page = await readPage(q, catalog, {
        deploymentId: id,
        from: plan.from,
        to: plan.to,
        limit: PAGE_ROWS,
        ...(after ? { after } : {}),
        ...(plan.variant ? { variant: plan.variant } : {}),
      });
      if (page.length === 0) break;
      const outcomes = await pageOutcomes(q, id, page);
      await sink.write(page.map((r, i) => cells.cells(r, outcomes[i] ?? null)));
      if (progress) progress.rows += page.length;
      yield* ready.splice(0);
      if (page.length < PAGE_ROWS) break;
      after = page[page.length - 1];
    }
  }
  await sink.finish();
  yield* ready.splice(0);
}

/**
 * Serving migration 7: the request times of ids logged before log_request_times existed. Ids the
 * server made (UUIDv7, stored as 16 bytes with a non-zero first byte and version nibble 7) carry
 * their time; every other id gets its rows' times.
 */
import type { Queryable, SqlDialect } from "../../../core/db/database.js";
import { createPartition, partitionDays } from "./day-partitions.js";

/** Partitions for the days already logged (PostgreSQL), then one row per other id and time. */
export async function backfillRequestTimes(tx: Queryable, dialect: SqlDialect): Promise<void> {
  const pg = dialect.name === "postgres";
  if (pg)
    for (const day of await partitionDays(tx, "log_predictions")) await createPartition(tx, "log_request_times", day);
  const carriesTime = pg
    ? "length(request_id) = 16 AND get_byte(request_id, 0) <> 0 AND get_byte(request_id, 6) >> 4 = 7"
    : "length(request_id) = 16 AND substr(hex(request_id), 1, 2) <> '00' AND substr(hex(request_id), 13, 1) = '7'";
  await tx.run(
    `INSERT INTO log_request_times (deployment_id, request_id, time)
     SELECT DISTINCT deployment_id, request_id, time FROM log_predictions WHERE NOT (${carriesTime})
     ON CONFLICT DO NOTHING`,
  );
}

/** The query joining a window's predictions with the feedback that refers to them. */

/**
 * `hits` pairs each scored prediction with every feedback row that refers to it: by request id
 * and row, or by routing key. A key's feedback refers to the predictions with that key at the
 * latest time at or before the feedback's, found among all of the deployment's predictions (not
 * only the window's) through log_keys, so feedback for a later prediction never labels an earlier
 * one. The window bounds come first in both branches: the request-id branch walks the log's key
 * from the window's start; the key branch starts from feedback at or after `since` (a prediction
 * cannot be labelled by earlier feedback). CROSS JOIN fixes that order on SQLite, whose planner
 * otherwise turns the request-id branch around once ANALYZE has run (every feedback row of the
 * deployment, then the window's predictions for each: it stalled the window aggregates at 100k
 * rows); PostgreSQL plans it as an inner join either way. ROW_NUMBER then keeps the latest
 * feedback per prediction. Parameters: deployment, since[, until], deployment, since, since[, until], limit.
 */
export function labeledScoresSql(until: boolean): string {
  const window = `p.time >= ?${until ? " AND p.time < ?" : ""} AND p.score IS NOT NULL`;
  const cols = "p.request_id, p.row_index, p.variant, p.shadow, p.model_id, p.score, p.data, p.time";
  return `WITH hits AS (
      SELECT ${cols}, f.outcome, f.time AS feedback_time, f.id AS feedback_id
      FROM log_predictions p CROSS JOIN log_feedback f
      WHERE p.deployment_id = ? AND ${window}
        AND f.deployment_id = p.deployment_id AND f.request_id = p.request_id AND COALESCE(f.row_index, 0) = p.row_index
    UNION ALL
      SELECT ${cols}, f.outcome, f.time AS feedback_time, f.id AS feedback_id
      FROM log_feedback f CROSS JOIN log_predictions p
      WHERE f.deployment_id = ? AND f.request_id IS NULL AND f.key_hash IS NOT NULL AND f.time >= ? AND ${window}
        AND p.deployment_id = f.deployment_id AND p.routing_key = f.routing_key
        AND p.time = (
          SELECT MAX(k.time) FROM log_keys k
          WHERE k.deployment_id = f.deployment_id AND k.key_hash = f.key_hash AND k.time <= f.time
        )
    ), ranked AS (
      SELECT hits.*, ROW_NUMBER() OVER (
        PARTITION BY request_id, row_index, variant ORDER BY feedback_time DESC, feedback_id DESC
      ) AS pick
      FROM hits
    )
    SELECT variant, shadow, model_id, score, data, outcome, time FROM ranked WHERE pick = 1
    ORDER BY time DESC, request_id, row_index, variant LIMIT ?`;
}

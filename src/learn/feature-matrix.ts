/**
 * The numeric input of every trainer and predictor: a dense, column-major float64 matrix where
 * feature `j` of row `i` is `data[j * rows + i]` and NaN means missing.
 */
export interface FeatureMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
  /** One name per column. */
  readonly names: readonly string[];
  /** Columns holding category codes (0, 1, ...) rather than measurements; trees may split them natively. */
  readonly categorical?: readonly boolean[];
}

/** A matrix from column arrays (copied into one buffer). */
export function matrixFromColumns(
  names: readonly string[],
  columns: readonly ArrayLike<number>[],
  categorical?: readonly boolean[],
): FeatureMatrix {
  const rows = columns[0]?.length ?? 0;
  const data = new Float64Array(rows * columns.length);
  columns.forEach((c, j) => {
    if (c.length !== rows) throw new Error(`feature '${names[j]}' has ${c.length} rows, expected ${rows}`);
    data.set(c, j * rows);
  });
  return { rows, cols: columns.length, data, names, ...(categorical ? { categorical } : {}) };
}

/** Column `j` as a view (no copy). */
export function featureColumn(m: FeatureMatrix, j: number): Float64Array {
  return m.data.subarray(j * m.rows, (j + 1) * m.rows);
}

/** The rows at the given indices (a copy), e.g. for a train/validation split. */
export function takeRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const n = rows.length;
  const data = new Float64Array(n * m.cols);
  for (let j = 0; j < m.cols; j++) {
    const src = j * m.rows;
    const dst = j * n;
    for (let i = 0; i < n; i++) data[dst + i] = m.data[src + (rows[i] as number)] as number;
  }
  return { rows: n, cols: m.cols, data, names: m.names, ...(m.categorical ? { categorical: m.categorical } : {}) };
}

/** Collects the rows a check rejects: a count, the first row indices and a sample of values with counts. */

/** A sampled offending value. Timestamps are ISO strings; null stands for missing. */
export type SampleValue = number | string | boolean | null;

/** An offending value and how often it occurred. */
export interface SampleEntry {
  value: SampleValue;
  count: number;
}

/**
 * Per-value counts come from one of two sources: for dictionary-encoded columns, exact counts per
 * code (the sample is then the most frequent offenders); otherwise counts of the first `maxSample`
 * distinct offending values seen, so a million distinct offenders never build a million-entry map.
 */
export class Tally {
  count = 0;
  readonly rows: number[] = [];
  private readonly byValue = new Map<SampleValue, number>();
  private byCode: Int32Array | undefined;

  constructor(
    private readonly maxRows = 100,
    private readonly maxSample = 20,
  ) {}

  /** Records offending row `i` with its value. */
  add(i: number, value: SampleValue): void {
    this.count++;
    if (this.rows.length < this.maxRows) this.rows.push(i);
    const c = this.byValue.get(value);
    if (c !== undefined) this.byValue.set(value, c + 1);
    else if (this.byValue.size < this.maxSample) this.byValue.set(value, 1);
  }

  /** Records offending row `i` whose value is dictionary code `code` (of `dictSize` codes). */
  addCode(i: number, code: number, dictSize: number): void {
    this.count++;
    if (this.rows.length < this.maxRows) this.rows.push(i);
    this.byCode ??= new Int32Array(dictSize);
    this.byCode[code]++;
  }

  /** Up to `maxSample` offending values, most frequent first. */
  sample(dictionary?: readonly string[]): SampleEntry[] {
    const entries: SampleEntry[] = [...this.byValue].map(([value, count]) => ({ value, count }));
    if (this.byCode && dictionary) {
      this.byCode.forEach((count, code) => {
        if (count > 0) entries.push({ value: dictionary[code] as string, count });
      });
    }
    return entries.sort((a, b) => b.count - a.count || compare(a.value, b.value)).slice(0, this.maxSample);
  }
}

function compare(a: SampleValue, b: SampleValue): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `text/csv` scoring bodies (what `pandas.DataFrame.to_csv()` writes) → a {@link Table} holding
 * exactly the signature's inputs. The first record is the header; fields may be quoted with `"`
 * (`""` escapes a quote; quoted fields may hold commas and line breaks); LF or CRLF line ends; blank
 * lines are skipped; a leading BOM is dropped. Extra columns (such as pandas' unnamed index) are
 * ignored. A blank cell is null for every type; other cell rules are the JSON ones (see `columns.ts`).
 * Synchronous and allocation-light: this is meant for request-sized bodies, not files.
 */

import type { Table } from "../../../data/table.js";
import type { ModelSignature } from "../../../learn/package/model-package.js";
import { badRequest, checkRowCount, inputPlan, missingInputs, pushTo, TableBuilder } from "./columns.js";
import type { ScoringParseOptions } from "./parse-json.js";

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const PARSE_HINT =
  "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame " +
  "produced using the `pandas.DataFrame.to_csv()` method.";

/** Parse a CSV scoring body; throws BAD_REQUEST MwErrors naming the column and row. */
export function parseScoringCsv(text: string, signature: ModelSignature, options?: ScoringParseOptions): Table {
  const records = splitCsv(text);
  const header = records[0];
  if (header === undefined) throw badRequest(`${PARSE_HINT} The body is empty; a header row is required.`);
  const plan = inputPlan(signature);
  const k = plan.names.length;
  const from: number[] = new Array(k);
  let missing: string[] | undefined;
  for (let i = 0; i < k; i++) {
    const j = header.fields.indexOf(plan.names[i] as string);
    if (j < 0 && !plan.optional[i]) missing = pushTo(missing, plan.names[i] as string);
    from[i] = j;
  }
  if (missing) throw missingInputs(missing);
  const n = records.length - 1;
  checkRowCount(n, options?.maxRows);
  const width = header.fields.length;
  const b = new TableBuilder(plan, n);
  for (let r = 0; r < n; r++) {
    const rec = records[r + 1] as CsvRecord;
    if (rec.fields.length !== width) {
      throw badRequest(
        `${PARSE_HINT} Row ${r} (line ${rec.line}) has ${rec.fields.length} fields; the header has ${width}.`,
      );
    }
    for (let i = 0; i < k; i++) b.setCsv(i, r, rec.fields[from[i] as number]);
  }
  return b.finish();
}

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** Split CSV text into records of fields (RFC 4180 quoting); blank lines are skipped. */
function splitCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const len = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < len) {
    const c0 = text.charCodeAt(i);
    if (c0 === LF || c0 === CR) {
      i += c0 === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      // One field starting at i.
      if (text.charCodeAt(i) === QUOTE) {
        let value = "";
        let from = i + 1;
        let j = from;
        for (;;) {
          j = text.indexOf('"', j);
          if (j < 0) throw badRequest(`${PARSE_HINT} Unterminated quoted field starting on line ${line}.`);
          if (text.charCodeAt(j + 1) === QUOTE) {
            value += text.slice(from, j + 1);
            j += 2;
            from = j;
            continue;
          }
          value += text.slice(from, j);
          break;
        }
        for (let p = i + 1; p < j; p++) if (text.charCodeAt(p) === LF) line++;
        i = j + 1;
        const c = i < len ? text.charCodeAt(i) : LF;
        if (c !== COMMA && c !== LF && c !== CR) {
          throw badRequest(`${PARSE_HINT} Unexpected text after a closing quote on line ${line}.`);
        }
        fields.push(value);
      } else {
        let j = i;
        for (; j < len; j++) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i < len && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }
    out.push({ fields, line: start });
  }
  return out;
}

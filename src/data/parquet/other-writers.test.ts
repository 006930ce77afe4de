import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { sharedDataDir } from "../../core/test-support/shared-data.js";
import type { Table } from "../table.js";
import { valueAt } from "../table.js";
import { rejectsWithInput } from "../test-support/fixtures.js";
import { readParquetWithHyparquet } from "./hyparquet-reader.js";
import { openParquetFile, readParquetFile } from "./read-parquet.js";
import { assertSameTable } from "./test-support/same-table.js";

// apache/parquet-testing's data files are third-party files: they are not committed, and are read
// from the shared data folder beside the repository (`../shared/data/parquet-testing/`) when it holds them.
const DIR = sharedDataDir("parquet-testing") ?? "";
const SKIP = DIR === "" ? "no ../shared/data/parquet-testing/ beside the repository" : false;

/** Files the fast decoder reads whole, and what in them it exercises. */
const FAST: Record<string, string> = {
  "alltypes_plain.parquet": "Impala, pages v1, PLAIN_DICTIONARY, INT96",
  "alltypes_plain.snappy.parquet": "Impala, snappy",
  "alltypes_dictionary.parquet": "Impala, dictionary pages for every column",
  "datapage_v1-snappy-compressed-checksum.parquet": "parquet-mr, pages v1 with CRCs, snappy",
  "rle-dict-snappy-checksum.parquet": "parquet-mr, RLE_DICTIONARY",
  "plain-dict-uncompressed-checksum.parquet": "parquet-mr, PLAIN_DICTIONARY",
  "rle_boolean_encoding.parquet": "RLE booleans, gzip, pages v2 with repetition-level bytes",
  "concatenated_gzip_members.parquet": "gzip pages of several members",
  "data_index_bloom_encoding_stats.parquet": "parquet-mr, gzip, bloom filter",
  "int32_with_null_pages.parquet": "pages that are all nulls",
  "dict-page-offset-zero.parquet": "dictionary_page_offset 0",
  "datapage_v2_empty_datapage.snappy.parquet": "an empty page v2",
  "page_v2_empty_compressed.parquet": "Arrow, zstd, an empty compressed page v2",
  "int32_decimal.parquet": "INT32 decimals",
  "int64_decimal.parquet": "INT64 decimals",
  "single_nan.parquet": "a NaN",
  "binary.parquet": "unannotated BYTE_ARRAY",
  "sort_columns.parquet": "Arrow 16",
  "binary_truncated_min_max.parquet": "parquet-rs",
  "lz4_raw_compressed.parquet": "LZ4_RAW",
  "hadoop_lz4_compressed.parquet": "Hadoop-framed LZ4",
  "int96_from_spark.parquet": "Spark INT96, one beyond Date's range",
};

/** Files with chunks left to hyparquet, and how many chunks the fast decoder reads in each. */
const FALLBACK: Record<string, number> = {
  "fixed_length_decimal.parquet": 0,
  "delta_length_byte_array.parquet": 0,
  "byte_stream_split.zstd.parquet": 0,
  // DataFusion, zstd: the ids (dictionary pages) on the fast path, the geography column through hyparquet.
  "geography-points.parquet": 50,
};

async function readCounting(name: string): Promise<{ table: Table; fast: number; hyparquet: number }> {
  const reader = await openParquetFile(`${DIR}${name}`);
  try {
    const table = await reader.readAll();
    return { table, ...reader.chunks };
  } finally {
    await reader.close();
  }
}

function column(t: Table, name: string): unknown[] {
  const c = t.column(name);
  assert.ok(c, `no column ${name}`);
  return Array.from({ length: c.length }, (_, i) => valueAt(c, i));
}

describe("Parquet written by other writers (apache/parquet-testing)", { skip: SKIP }, () => {
  for (const [name, what] of Object.entries(FAST)) {
    it(`${name} (${what}): every chunk on the fast path, the same Table as hyparquet`, async () => {
      const { table, fast, hyparquet } = await readCounting(name);
      assert.equal(hyparquet, 0);
      assert.ok(fast > 0);
      const expected = await readParquetWithHyparquet(readFileSync(`${DIR}${name}`));
      if (name === "int96_from_spark.parquet") {
        // Row 6 lies 290,000 years out (Spark wrote an overflowed Julian day): an invalid date
        // here, where hyparquet wraps it into the year -4128. The rest must agree.
        assertSameTable(table.slice(0, 5), expected.slice(0, 5));
      } else {
        assertSameTable(table, expected);
      }
    });
  }

  for (const [name, fastChunks] of Object.entries(FALLBACK)) {
    it(`${name}: chunks the fast decoder does not read go through hyparquet, same Table`, async () => {
      const { table, fast, hyparquet } = await readCounting(name);
      assert.ok(hyparquet > 0);
      assert.equal(fast, fastChunks);
      assertSameTable(table, await readParquetWithHyparquet(readFileSync(`${DIR}${name}`)));
    });
  }

  it("reads the values the files are documented to hold", async () => {
    const plain = await readParquetFile(`${DIR}alltypes_plain.parquet`);
    assert.deepEqual(column(plain, "id"), [4, 5, 6, 7, 2, 3, 0, 1]);
    assert.deepEqual(column(plain, "bool_col").slice(0, 3), [true, false, true]);
    assert.deepEqual(column(plain, "date_string_col").slice(0, 3), ["03/01/09", "03/01/09", "04/01/09"]);
    assert.equal(plain.column("timestamp_col")?.type, "timestamp");
    assert.deepEqual(column(plain, "timestamp_col").slice(0, 2), [Date.UTC(2009, 2, 1), Date.UTC(2009, 2, 1, 0, 1)]);
    assert.equal(column(plain, "float_col")[1], Math.fround(1.1));
    const spark = await readParquetFile(`${DIR}int96_from_spark.parquet`);
    assert.deepEqual(column(spark, "a"), [
      1704141296123,
      1704070800000,
      253402225200000,
      1735599600000,
      null,
      Number.NaN,
    ]);
    const gzip = await readParquetFile(`${DIR}concatenated_gzip_members.parquet`);
    assert.deepEqual(
      column(gzip, "long_col"),
      Array.from({ length: 513 }, (_, i) => i + 1),
    );
    const lz4 = await readParquetFile(`${DIR}hadoop_lz4_compressed.parquet`);
    assert.deepEqual(column(lz4, "c1"), ["abc", "def", "abc", "def"]);
    assert.deepEqual(column(lz4, "v11"), [42, 7.7, 42.125, 7.7]);
    const booleans = column(await readParquetFile(`${DIR}rle_boolean_encoding.parquet`), "datatype_boolean");
    assert.equal(booleans.length, 68);
    assert.equal(booleans.filter((v) => v === null).length, 6);
  });

  it("refuses a nested schema, and a corrupt dictionary page naming its column", async () => {
    await rejectsWithInput(() => readParquetFile(`${DIR}nested_lists.snappy.parquet`), "nested_lists", "nested");
    await rejectsWithInput(
      () => readParquetFile(`${DIR}nation.dict-malformed.parquet`),
      "nation.dict-malformed.parquet",
      "column 'name'",
      "cannot decode",
    );
  });
});

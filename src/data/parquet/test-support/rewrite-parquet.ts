/**
 * Test rewrites of a Parquet file, using hyparquet's and hyparquet-writer's own Thrift code (not
 * the reader's): data pages v2 turned into data pages v1 (what parquet-mr, Impala and older
 * writers produce, with PLAIN_DICTIONARY as the dictionary encoding), and footer edits.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { ColumnChunk, CompressionCodec, FileMetaData, PageHeader } from "hyparquet";
import { parquetMetadata, snappyUncompress } from "hyparquet";
import { parquetHeader } from "hyparquet/src/column.js";
import { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";

function metadataOf(file: Uint8Array): FileMetaData {
  return parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
}

function uncompress(codec: CompressionCodec, input: Uint8Array, size: number): Uint8Array {
  if (codec === "UNCOMPRESSED") return input;
  if (codec === "GZIP") return gunzipSync(input);
  if (codec !== "SNAPPY") throw new Error(`test rewrite cannot uncompress ${codec}`);
  const out = new Uint8Array(size);
  snappyUncompress(input, out);
  return out;
}

function compress(codec: CompressionCodec, input: Uint8Array): Uint8Array {
  if (codec === "UNCOMPRESSED") return input;
  if (codec === "GZIP") return gzipSync(input);
  if (codec !== "SNAPPY") throw new Error(`test rewrite cannot compress ${codec}`);
  return snappyCompress(input);
}

/** A data page v2 as a data page v1: levels get their 4-byte length, and levels and values are compressed together. */
function pageV1(header: PageHeader, body: Uint8Array, codec: CompressionCodec, optional: boolean): Uint8Array {
  const v2 = header.data_page_header_v2;
  if (!v2) throw new Error("not a data page v2");
  const levels = v2.definition_levels_byte_length + v2.repetition_levels_byte_length;
  const values = body.subarray(levels);
  const plainValues = v2.is_compressed ? uncompress(codec, values, header.uncompressed_page_size - levels) : values;
  const raw = new ByteWriter();
  if (optional) {
    raw.appendUint32(v2.definition_levels_byte_length);
    raw.appendBytes(body.subarray(v2.repetition_levels_byte_length, levels));
  }
  raw.appendBytes(plainValues);
  const page = raw.getBytes();
  const packed = compress(codec, page);
  const out = new ByteWriter();
  const dictionary = v2.encoding === "RLE_DICTIONARY";
  const v1Header = {
    type: "DATA_PAGE",
    uncompressed_page_size: page.length,
    compressed_page_size: packed.length,
    data_page_header: {
      num_values: v2.num_values,
      encoding: dictionary ? "PLAIN_DICTIONARY" : v2.encoding,
      definition_level_encoding: "RLE",
      repetition_level_encoding: "RLE",
    },
  };
  // hyparquet-writer types its headers with its own (older) copy of hyparquet's types.
  writePageHeader(out, v1Header as Parameters<typeof writePageHeader>[1]);
  out.appendBytes(packed);
  return out.getBytes();
}

/** One column chunk's pages with every data page v2 rewritten as v1 (others copied). */
function chunkV1(file: Uint8Array, chunk: ColumnChunk, optional: boolean): { bytes: Uint8Array; uncompressed: number } {
  const meta = chunk.meta_data;
  if (!meta) throw new Error("column chunk without metadata");
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out = new ByteWriter();
  let uncompressed = 0;
  for (let pos = start; pos < end; ) {
    const reader = { view, offset: pos };
    const header = parquetHeader(reader);
    const body = file.subarray(reader.offset, reader.offset + header.compressed_page_size);
    const page =
      header.type === "DATA_PAGE_V2"
        ? pageV1(header, body, meta.codec, optional)
        : file.subarray(pos, reader.offset + header.compressed_page_size);
    out.appendBytes(page);
    uncompressed += page.length;
    pos = reader.offset + header.compressed_page_size;
  }
  return { bytes: out.getBytes(), uncompressed };
}

/** Write `metadata` after `body` (which starts with the magic number). */
function assemble(body: Uint8Array, metadata: FileMetaData): Uint8Array {
  const out = new ByteWriter();
  out.appendBytes(body);
  const footerStart = out.offset;
  writeMetadata(out, metadata as Parameters<typeof writeMetadata>[1]);
  out.appendUint32(out.offset - footerStart);
  out.appendUint32(0x31524150);
  return out.getBytes().slice();
}

/** The file with every data page v2 rewritten as a data page v1 (statistics and page indexes dropped). */
export function toDataPageV1(file: Uint8Array): Uint8Array {
  const metadata = metadataOf(file);
  const leaves = metadata.schema.slice(1);
  const body = new ByteWriter();
  body.appendUint32(0x31524150);
  for (const group of metadata.row_groups) {
    let groupBytes = 0;
    group.columns.forEach((chunk, leaf) => {
      const meta = chunk.meta_data;
      if (!meta) throw new Error("column chunk without metadata");
      const { bytes, uncompressed } = chunkV1(file, chunk, leaves[leaf]?.repetition_type === "OPTIONAL");
      const start = body.offset;
      const dataOffset = start + Number(meta.data_page_offset - (meta.dictionary_page_offset ?? meta.data_page_offset));
      body.appendBytes(bytes);
      meta.data_page_offset = BigInt(dataOffset);
      if (meta.dictionary_page_offset !== undefined) meta.dictionary_page_offset = BigInt(start);
      meta.total_compressed_size = BigInt(bytes.length);
      meta.total_uncompressed_size = BigInt(uncompressed);
      meta.statistics = undefined;
      meta.encoding_stats = undefined;
      chunk.file_offset = BigInt(start);
      chunk.offset_index_offset = undefined;
      chunk.offset_index_length = undefined;
      chunk.column_index_offset = undefined;
      chunk.column_index_length = undefined;
      groupBytes += uncompressed;
    });
    group.total_byte_size = BigInt(groupBytes);
    group.file_offset = group.columns[0]?.file_offset;
    group.total_compressed_size = undefined;
  }
  return assemble(body.getBytes(), metadata);
}

/** The file with its footer changed by `edit` (column chunks stay where they are). */
export function editFooter(file: Uint8Array, edit: (metadata: FileMetaData) => void): Uint8Array {
  const metadata = metadataOf(file);
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) if (chunk.meta_data) chunk.meta_data.statistics = undefined;
  }
  edit(metadata);
  const footerLength = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 8, true);
  return assemble(file.subarray(0, file.length - 8 - footerLength), metadata);
}

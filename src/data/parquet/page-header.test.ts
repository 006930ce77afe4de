import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { serializeTCompactProtocol } from "hyparquet-writer/src/thrift.js";
import { ENC_PLAIN, ENC_PLAIN_DICTIONARY, ENC_RLE, ENC_RLE_DICTIONARY, readPageHeader } from "./page-header.js";

type Header = Parameters<typeof writePageHeader>[1];

function written(header: Header, tail = 0): Uint8Array {
  const w = new ByteWriter();
  writePageHeader(w, header);
  for (let i = 0; i < tail; i++) w.appendUint8(0xee);
  return w.getBytes().slice();
}

function thrift(data: Record<string, unknown>): Uint8Array {
  const w = new ByteWriter();
  serializeTCompactProtocol(w, data as Parameters<typeof serializeTCompactProtocol>[1]);
  return w.getBytes().slice();
}

describe("readPageHeader", () => {
  it("reads data page v1, dictionary page and data page v2 headers as another writer encodes them", () => {
    const v1 = written(
      {
        type: "DATA_PAGE",
        uncompressed_page_size: 70_000,
        compressed_page_size: 123,
        crc: -5,
        data_page_header: {
          num_values: 1000,
          encoding: "PLAIN_DICTIONARY",
          definition_level_encoding: "RLE",
          repetition_level_encoding: "BIT_PACKED",
        },
      },
      3,
    );
    const a = readPageHeader(v1, 0, v1.length);
    assert.equal(a.body, v1.length - 3);
    assert.deepEqual(
      [a.header.type, a.header.uncompressedSize, a.header.compressedSize, a.header.numValues],
      [0, 70_000, 123, 1000],
    );
    assert.equal(a.header.encoding, ENC_PLAIN_DICTIONARY);
    assert.equal(a.header.defEncoding, ENC_RLE);

    const dict = written({
      type: "DICTIONARY_PAGE",
      uncompressed_page_size: 10,
      compressed_page_size: 10,
      dictionary_page_header: { num_values: 3, encoding: "PLAIN" },
    });
    const d = readPageHeader(dict, 0, dict.length).header;
    assert.deepEqual([d.type, d.numValues, d.encoding], [2, 3, ENC_PLAIN]);

    const v2 = written({
      type: "DATA_PAGE_V2",
      uncompressed_page_size: 50,
      compressed_page_size: 40,
      data_page_header_v2: {
        num_values: 20,
        num_nulls: 4,
        num_rows: 20,
        encoding: "RLE_DICTIONARY",
        definition_levels_byte_length: 6,
        repetition_levels_byte_length: 2,
        is_compressed: false,
      },
    });
    const b = readPageHeader(v2, 0, v2.length).header;
    assert.deepEqual(
      [b.type, b.numValues, b.numNulls, b.encoding, b.defLength, b.repLength, b.isCompressed],
      [3, 20, 4, ENC_RLE_DICTIONARY, 6, 2, false],
    );
  });

  it("skips fields it does not use: statistics, lists, binaries, doubles, long field ids", () => {
    const bytes = thrift({
      field_1: 0,
      field_2: 64,
      field_3: 32,
      field_4: 99,
      field_5: {
        field_1: 8,
        field_2: 0,
        field_3: 3,
        field_4: 3,
        field_5: { field_1: new Uint8Array(300), field_2: Uint8Array.of(1), field_3: 7n, field_5: [1, 2, 3] },
      },
      field_6: { field_1: [true, false, true], field_2: 1.5 },
      field_40: "unknown future field",
    });
    const { header, body } = readPageHeader(bytes, 0, bytes.length);
    assert.equal(body, bytes.length);
    assert.deepEqual([header.type, header.uncompressedSize, header.compressedSize, header.numValues], [0, 64, 32, 8]);
  });

  it("fails on a header that is cut short or lacks its sizes, never reading past the end it is given", () => {
    const full = written({
      type: "DICTIONARY_PAGE",
      uncompressed_page_size: 10,
      compressed_page_size: 10,
      dictionary_page_header: { num_values: 3, encoding: "PLAIN" },
    });
    for (let cut = 0; cut < full.length; cut++) {
      assert.throws(() => readPageHeader(full, 0, cut), /page header/, `cut at ${cut}`);
    }
    assert.throws(() => readPageHeader(thrift({ field_1: 0 }), 0, 3), /lacks a required field/);
    assert.throws(() => readPageHeader(Uint8Array.of(0x1f, 0x00), 0, 2), /unknown Thrift type/);
  });
});

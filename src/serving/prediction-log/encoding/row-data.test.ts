import assert from "node:assert/strict";
import { test } from "node:test";
import { DeploymentDictionary } from "../sql/log-dictionary.js";
import { ByteWriter } from "./bytes.js";
import { decodeRowJson, decodeRowValues, encodeRowData, parseInputs } from "./row-data.js";

const TELCO = JSON.stringify({
  gender: "Female",
  SeniorCitizen: 0,
  Partner: "Yes",
  Dependents: "No",
  tenure: 1,
  PhoneService: "No",
  MultipleLines: "No phone service",
  InternetService: "DSL",
  OnlineSecurity: "No",
  OnlineBackup: "Yes",
  DeviceProtection: "No",
  TechSupport: "No",
  StreamingTV: "No",
  StreamingMovies: "No",
  Contract: "Month-to-month",
  PaperlessBilling: "Yes",
  PaymentMethod: "Electronic check",
  MonthlyCharges: 29.85,
  TotalCharges: 29.85,
});

/** A dictionary holding the row's schema and every short string value. */
function dictionaryFor(text: string, label: string): DeploymentDictionary {
  const parsed = parseInputs(text);
  const strings = [parsed.schema ?? "", label, ...parsed.values.filter((v): v is string => typeof v === "string")];
  const d = new DeploymentDictionary();
  d.learn([...new Set(strings)].map((value, code) => ({ code, value })));
  return d;
}

function encode(text: string, label: string, score: number, d: DeploymentDictionary): Buffer {
  const parsed = parseInputs(text);
  const schema = parsed.schema === undefined ? undefined : d.codeOf(parsed.schema);
  return encodeRowData(new ByteWriter(), schema, label, score, parsed, (s) => d.codeOf(s));
}

test("a Telco row's label and inputs take about 30 bytes and read back as the same JSON", () => {
  const d = dictionaryFor(TELCO, "No");
  const bytes = encode(TELCO, "No", 0.31, d);
  assert.ok(bytes.length <= 32, `${bytes.length} bytes`);
  assert.deepEqual(decodeRowJson(bytes, 0.31, d), { label: "No", inputs: TELCO });
  const values = decodeRowValues(bytes, 0.31, d);
  assert.equal(values.values.length, 19);
  assert.equal(values.values[17], 29.85);
  assert.equal(values.values[0], "Female");
});

test("strings without a code are kept inline; nulls, booleans, nested values and long strings survive", () => {
  const text = JSON.stringify({ a: "new", b: null, c: true, d: [1, { e: 2 }], f: "x".repeat(100), g: -3.5e-12 });
  const d = new DeploymentDictionary();
  d.learn([{ code: 0, value: parseInputs(text).schema as string }]);
  const bytes = encode(text, "maybe", 0.5, d);
  assert.deepEqual(decodeRowJson(bytes, 0.5, d), { label: "maybe", inputs: text });
});

test("a regression label that is the score as text costs one byte; raw inputs are kept as given", () => {
  const d = dictionaryFor("{}", "");
  const raw = encode("not json {", "12.5", 12.5, d);
  assert.deepEqual(decodeRowJson(raw, 12.5, d), { label: "12.5", inputs: "not json {" });
  assert.deepEqual(decodeRowJson(encode("[1,2]", "1", 1, d), 1, d), { label: "1", inputs: "[1,2]" });
});

test("a code the dictionary lacks is reported, so the reader can read the dictionary again", () => {
  const d = dictionaryFor(TELCO, "No");
  const bytes = encode(TELCO, "No", 0.31, d);
  assert.throws(() => decodeRowJson(bytes, 0.31, new DeploymentDictionary()), /code \d+ is not known/);
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MwError } from "../../core/errors.js";
import {
  EXPERIMENT_GRAMMAR,
  MODEL_VERSION_GRAMMAR,
  parseOrderBy,
  REGISTERED_MODEL_GRAMMAR,
  RUN_GRAMMAR,
  type SearchGrammar,
} from "./filter-parser.js";

function rejects(items: string[], message: RegExp, grammar: SearchGrammar = RUN_GRAMMAR): void {
  assert.throws(
    () => parseOrderBy(items, grammar),
    (e: unknown) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && message.test(e.message),
  );
}

describe("parseOrderBy", () => {
  test("runs: metrics, params, tags and attributes, with optional direction", () => {
    assert.deepEqual(
      parseOrderBy(
        ["metrics.auc DESC", "params.lr", "start_time ASC", "tags.`my tag` desc", 'metrics."val-loss" asc'],
        RUN_GRAMMAR,
      ),
      [
        { type: "metric", key: "auc", ascending: false },
        { type: "param", key: "lr", ascending: true },
        { type: "attribute", key: "start_time", ascending: true },
        { type: "tag", key: "my tag", ascending: false },
        { type: "metric", key: "val-loss", ascending: true },
      ],
    );
  });

  test("runs: attribute aliases and every orderable attribute", () => {
    assert.deepEqual(parseOrderBy(["created", "attributes.Created DESC"], RUN_GRAMMAR), [
      { type: "attribute", key: "start_time", ascending: true },
      { type: "attribute", key: "start_time", ascending: false },
    ]);
    const keys = ["run_id", "run_name", "user_id", "status", "artifact_uri", "start_time", "end_time"];
    assert.deepEqual(
      parseOrderBy(keys, RUN_GRAMMAR).map((k) => k.key),
      keys,
    );
    assert.deepEqual(parseOrderBy([], RUN_GRAMMAR), []);
  });

  test("bad directions, trailing tokens, unknown keys and entities", () => {
    rejects(["metrics.auc up"], /invalid direction 'up', expected ASC or DESC/);
    rejects(["metrics.auc DESC extra"], /unexpected 'extra' after the direction/);
    rejects(["lifecycle_stage"], /invalid order_by key 'lifecycle_stage'/);
    rejects(["datasets.name"], /runs cannot be ordered by datasets/);
    rejects(["Metrics.auc"], /invalid entity type 'Metrics'/);
    rejects(["metrics."], /empty key/);
    rejects([""], /expected an identifier/);
  });

  test("experiments: name, experiment_id, creation_time, last_update_time", () => {
    assert.deepEqual(parseOrderBy(["name", "experiment_id DESC", "attribute.last_update_time"], EXPERIMENT_GRAMMAR), [
      { type: "attribute", key: "name", ascending: true },
      { type: "attribute", key: "experiment_id", ascending: false },
      { type: "attribute", key: "last_update_time", ascending: true },
    ]);
    rejects(["tags.a"], /experiments cannot be ordered by tags/, EXPERIMENT_GRAMMAR);
    rejects(["start_time"], /invalid order_by key 'start_time' for experiments/, EXPERIMENT_GRAMMAR);
  });

  test("registered models: timestamp is creation_timestamp", () => {
    assert.deepEqual(
      parseOrderBy(
        ["timestamp DESC", "creation_timestamp", "last_updated_timestamp", "name"],
        REGISTERED_MODEL_GRAMMAR,
      ).map((k) => `${k.key}:${k.ascending}`),
      ["creation_timestamp:false", "creation_timestamp:true", "last_updated_timestamp:true", "name:true"],
    );
    rejects(["version_number"], /invalid order_by key 'version_number'/, REGISTERED_MODEL_GRAMMAR);
  });

  test("model versions: name, version_number and timestamps", () => {
    assert.deepEqual(
      parseOrderBy(["version_number DESC", "name"], MODEL_VERSION_GRAMMAR).map((k) => k.key),
      ["version_number", "name"],
    );
    rejects(["run_id"], /invalid order_by key 'run_id' for model versions/, MODEL_VERSION_GRAMMAR);
  });
});

#!/usr/bin/python3
"""Writes the onnx-runtime fixtures: MLflow 2.x model folders with an `onnx` flavor, and the
scores each model should give, computed by a reference implementation of the operators below
(numpy, following the ONNX operator specs and the converters' conventions), not by onnxruntime.

Run from the repository root with Debian's Python (python3-onnx 1.12, numpy, yaml):

    /usr/bin/python3 test-fixtures/runtimes/onnx/make-fixtures.py

Neither MLflow nor skl2onnx is needed (neither is in Debian): graphs are built with onnx.helper
the way skl2onnx / onnxmltools lay them out, and each folder gets the MLmodel that
`mlflow.onnx.log_model` (MLflow 2.12) writes. Folders:

  tree-binary-zipmap   TreeEnsembleClassifier as skl2onnx converts a binary GradientBoosting model:
                       weights on class 0, one base value, LOGISTIC, string labels, then a ZipMap
                       (seq(map(string, float))); one float input [N, 4]; column signature.
  tree-binary-raw      The same trees with post_transform NONE (skl2onnx's raw_scores): the
                       probabilities output holds margins [-s, s]; P(positive) = logistic(s).
  tree-binary-forest   A random forest as skl2onnx converts it: P(class 1) / n_trees on class 0,
                       post_transform NONE, int labels, probabilities tensor [N, 2].
  tree-multiclass      TreeEnsembleClassifier, 3 classes, SOFTMAX, base values, ZipMap with int labels.
  tree-regression      TreeEnsembleRegressor (BRANCH_LT, missing values tracked), tensor signature [-1, 4];
                       its output is float32, so the reference sums in float32 too.
  linear-binary        Three inputs (two doubles and a string) as skl2onnx converts a DataFrame pipeline:
                       Cast, OneHotEncoder + Reshape, Concat, Scaler, then LinearClassifier (the [-w, w]
                       layout, LOGISTIC) and a ZipMap; initializers saved as external data.
  plain-logistic       MatMul + Add + Sigmoid in double, weights as initializers in external data
                       (model.onnx.data, as MLflow's save_as_external_data writes), no signature.

Next to each folder, NAME.expected.json holds the input rows (null = missing) and the scores:
P(positive class) for binary, the value for regression, one probability per class for multiclass.
Rows include values exactly on split thresholds and missing values.
"""

import json
import os
import shutil

import numpy as np
import onnx
import yaml
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.dirname(os.path.abspath(__file__))
ROWS = 60
ML = "ai.onnx.ml"


# ---------------------------------------------------------------- reference implementations


def tree_leaf(tree, x):
    """The leaf a row reaches: BRANCH_LEQ / BRANCH_LT with the missing-value rule of the spec."""
    node = tree["root"]
    while tree["mode"][node] != "LEAF":
        v = x[tree["feature"][node]]
        t = tree["value"][node]
        if np.isnan(v):
            go_true = tree["missing_true"][node] == 1
        elif tree["mode"][node] == "BRANCH_LEQ":
            go_true = v <= t
        else:
            go_true = v < t
        node = tree["true"][node] if go_true else tree["false"][node]
    return node


def ensemble_scores(trees, x, n_targets):
    """SUM aggregation: per row, the weights of every reached leaf added per target/class id."""
    out = np.zeros((len(x), n_targets))
    for i, row in enumerate(x):
        for tree in trees:
            for target, w in tree["weights"].get(tree_leaf(tree, row), []):
                out[i, target] += w
    return out


def float32_sum(trees, x, base):
    """TreeEnsembleRegressor's output is tensor(float): the leaf weights summed in float32, tree by
    tree, then the base value, rounding after every addition."""
    out = []
    for row in x:
        s = np.float32(0)
        for tree in trees:
            for _, w in tree["weights"][tree_leaf(tree, row)]:
                s = np.float32(s + np.float32(w))
        out.append(float(np.float32(s + np.float32(base))))
    return np.array(out)


def logistic(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- random trees


def random_tree(rng, n_features, depth, targets, scale, lo, hi, mode="BRANCH_LEQ"):
    """A full tree of `depth` splits; float32-exact thresholds; each leaf has a weight per target."""
    t = {"root": 0, "mode": [], "feature": [], "value": [], "true": [], "false": [], "missing_true": [], "weights": {}}

    def add(level):
        node = len(t["mode"])
        for key in ("mode", "feature", "value", "true", "false", "missing_true"):
            t[key].append(0)
        if level == depth:
            t["mode"][node] = "LEAF"
            t["weights"][node] = [(k, float(np.float32(rng.normal() * scale))) for k in targets]
            return node
        t["mode"][node] = mode
        f = int(rng.integers(n_features))
        t["feature"][node] = f
        t["value"][node] = float(np.float32(rng.uniform(lo[f], hi[f])))
        t["missing_true"][node] = int(rng.random() < 0.5)
        t["true"][node] = add(level + 1)
        t["false"][node] = add(level + 1)
        return node

    add(0)
    return t


def tree_attributes(trees, weight_key):
    """TreeEnsemble* node and leaf attributes (nodes_*, plus class_* or target_* by `weight_key`)."""
    a = {k: [] for k in ("nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
                         "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
                         f"{weight_key}_treeids", f"{weight_key}_nodeids", f"{weight_key}_ids",
                         f"{weight_key}_weights")}
    for tid, t in enumerate(trees):
        for n in range(len(t["mode"])):
            a["nodes_treeids"].append(tid)
            a["nodes_nodeids"].append(n)
            a["nodes_featureids"].append(t["feature"][n])
            a["nodes_values"].append(t["value"][n])
            a["nodes_modes"].append(t["mode"][n])
            a["nodes_truenodeids"].append(t["true"][n])
            a["nodes_falsenodeids"].append(t["false"][n])
            a["nodes_missing_value_tracks_true"].append(t["missing_true"][n])
            for target, w in t["weights"].get(n, []):
                a[f"{weight_key}_treeids"].append(tid)
                a[f"{weight_key}_nodeids"].append(n)
                a[f"{weight_key}_ids"].append(target)
                a[f"{weight_key}_weights"].append(w)
    return a


# ---------------------------------------------------------------- inputs


LO = np.array([18.0, 0.0, 0.0, -5.0])
HI = np.array([80.0, 200.0, 72.0, 5.0])
COLUMNS = ["age", "charges", "tenure", "score"]


def make_x(rng, trees=()):
    """float32-exact rows with 10% missing, and rows with a value exactly on a split threshold."""
    x = (LO + rng.random((ROWS, 4)) * (HI - LO)).astype(np.float32).astype(np.float64)
    x[rng.random((ROWS, 4)) < 0.1] = np.nan
    for i, t in enumerate(trees[:10]):
        row = x[i].copy()
        row[t["feature"][0]] = t["value"][0]
        x = np.vstack([x, row])
    return x


def rows_json(x):
    return [[None if (isinstance(v, float) and np.isnan(v)) else v for v in r] for r in x]


# ---------------------------------------------------------------- writing


def mlmodel(signature):
    doc = {
        "artifact_path": "model",
        "flavors": {
            "onnx": {
                "code": None,
                "data": "model.onnx",
                "onnx_session_options": None,
                "onnx_version": onnx.__version__,
                "providers": ["CUDAExecutionProvider", "CPUExecutionProvider"],
            },
            "python_function": {
                "code": None,
                "data": "model.onnx",
                "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
                "loader_module": "mlflow.onnx",
                "python_version": "3.11.2",
            },
        },
        "mlflow_version": "2.12.2",
        "model_uuid": "00000000000000000000000000000000",
        "run_id": "fixture",
        "utc_time_created": "2024-06-01 00:00:00.000000",
    }
    if signature is not None:
        doc["signature"] = {"inputs": json.dumps(signature), "outputs": None, "params": None}
    return yaml.safe_dump(doc, default_flow_style=False)


def columns_signature(columns, kind="double"):
    return [{"type": kind, "name": n, "required": True} for n in columns]


def write(name, model, signature, columns, rows, predictions, kind, classes=None, external=False):
    onnx.checker.check_model(model)
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    path = os.path.join(folder, "model.onnx")
    if external:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location="model.onnx.data", size_threshold=0)
    else:
        onnx.save_model(model, path)
    with open(os.path.join(folder, "MLmodel"), "w") as fh:
        fh.write(mlmodel(signature))
    with open(os.path.join(folder, "requirements.txt"), "w") as fh:
        fh.write(f"mlflow==2.12.2\nonnx=={onnx.__version__}\nonnxruntime\n")
    expected = {"kind": kind, "classes": classes, "columns": columns, "rows": rows,
                "predictions": np.asarray(predictions, dtype=np.float64).tolist()}
    with open(os.path.join(OUT, f"{name}.expected.json"), "w") as fh:
        json.dump(expected, fh)


def model_of(nodes, inputs, outputs, initializers=(), ml_version=1):
    graph = helper.make_graph(nodes, "fixture", inputs, outputs, initializer=list(initializers))
    opsets = [helper.make_opsetid("", 13), helper.make_opsetid(ML, ml_version)]
    return helper.make_model(graph, opset_imports=opsets, ir_version=8, producer_name="make-fixtures")


def zipmap_output(name, key_type):
    t = onnx.TypeProto()
    t.map_type.key_type = key_type
    t.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    return helper.make_value_info(name, helper.make_sequence_type_proto(t))


def float_input(name, width):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [None, width])


# ---------------------------------------------------------------- models


def binary_trees(rng, post_transform, name, zipmap):
    """skl2onnx's binary gradient boosting: every leaf weight on class 0, one base value."""
    trees = [random_tree(rng, 4, 3, [0], 0.6, LO, HI) for _ in range(12)]
    base = float(np.float32(-0.4))
    attrs = tree_attributes(trees, "class")
    node = helper.make_node("TreeEnsembleClassifier", ["float_input"], ["label", "probabilities"], domain=ML,
                            classlabels_strings=["No", "Yes"], post_transform=post_transform, base_values=[base],
                            **attrs)
    nodes = [node]
    outputs = [helper.make_tensor_value_info("label", TensorProto.STRING, [None])]
    if zipmap:
        nodes.append(helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain=ML,
                                      classlabels_strings=["No", "Yes"]))
        outputs.append(zipmap_output("output_probability", TensorProto.STRING))
    else:
        outputs.append(helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2]))
    model = model_of(nodes, [float_input("float_input", 4)], outputs)
    x = make_x(rng, trees)
    p = logistic(base + ensemble_scores(trees, x, 1)[:, 0])
    write(name, model, columns_signature(COLUMNS), COLUMNS, rows_json(x), p, "binary", ["No", "Yes"])


def forest(rng):
    """skl2onnx's binary random forest: P(class 1) / n_trees on class id 0, post_transform NONE."""
    n = 8
    trees = [random_tree(rng, 4, 3, [0], 1, LO, HI) for _ in range(n)]
    for t in trees:
        t["weights"] = {leaf: [(0, float(np.float32(rng.random() / n)))] for leaf in t["weights"]}
    node = helper.make_node("TreeEnsembleClassifier", ["float_input"], ["label", "probabilities"], domain=ML,
                            classlabels_int64s=[0, 1], post_transform="NONE", **tree_attributes(trees, "class"))
    outputs = [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
               helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])]
    model = model_of([node], [float_input("float_input", 4)], outputs)
    x = make_x(rng, trees)
    p = ensemble_scores(trees, x, 1)[:, 0]
    write("tree-binary-forest", model, columns_signature(COLUMNS), COLUMNS, rows_json(x), p, "binary", ["0", "1"])


def multiclass(rng):
    trees = [random_tree(rng, 4, 3, [c], 0.5, LO, HI) for _ in range(6) for c in range(3)]
    base = [float(np.float32(v)) for v in (0.1, -0.2, 0.05)]
    node = helper.make_node("TreeEnsembleClassifier", ["float_input"], ["label", "probabilities"], domain=ML,
                            classlabels_int64s=[3, 5, 7], post_transform="SOFTMAX", base_values=base,
                            **tree_attributes(trees, "class"))
    zipmap = helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain=ML,
                              classlabels_int64s=[3, 5, 7])
    outputs = [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
               zipmap_output("output_probability", TensorProto.INT64)]
    model = model_of([node, zipmap], [float_input("float_input", 4)], outputs)
    x = make_x(rng, trees)
    p = softmax(np.array(base) + ensemble_scores(trees, x, 3))
    write("tree-multiclass", model, columns_signature(COLUMNS), COLUMNS, rows_json(x), p, "multiclass",
          ["3", "5", "7"])


def regression(rng):
    trees = [random_tree(rng, 4, 3, [0], 0.5, LO, HI, mode="BRANCH_LT") for _ in range(15)]
    base = float(np.float32(3.0))
    node = helper.make_node("TreeEnsembleRegressor", ["input"], ["variable"], domain=ML, n_targets=1,
                            base_values=[base], post_transform="NONE", **tree_attributes(trees, "target"))
    outputs = [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])]
    model = model_of([node], [float_input("input", 4)], outputs)
    x = make_x(rng, trees)
    y = float32_sum(trees, x, base)
    tensor = [{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]
    write("tree-regression", model, tensor, [f"f{j}" for j in range(4)], rows_json(x), y, "regression")


PLANS = ["basic", "plus", "premium"]


def linear_binary(rng):
    """skl2onnx's layout for a DataFrame pipeline: one input per column, then a LinearClassifier."""
    d = TensorProto.DOUBLE
    inputs = [helper.make_tensor_value_info("age", d, [None, 1]),
              helper.make_tensor_value_info("charges", d, [None, 1]),
              helper.make_tensor_value_info("plan", TensorProto.STRING, [None, 1])]
    offset = [40.0, 60.0, 0.0, 0.0, 0.0]
    scale = [0.05, 0.02, 1.0, 1.0, 1.0]
    w = [float(np.float32(v)) for v in (0.8, -1.1, 0.5, -0.3, 0.9)]
    b = float(np.float32(-0.25))
    nodes = [
        helper.make_node("Cast", ["age"], ["age_f"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["charges"], ["charges_f"], to=TensorProto.FLOAT),
        helper.make_node("OneHotEncoder", ["plan"], ["plan_3d"], domain=ML, cats_strings=PLANS, zeros=1),
        helper.make_node("Reshape", ["plan_3d", "plan_shape"], ["plan_onehot"]),
        helper.make_node("Concat", ["age_f", "charges_f", "plan_onehot"], ["features"], axis=1),
        helper.make_node("Scaler", ["features"], ["scaled"], domain=ML, offset=offset, scale=scale),
        helper.make_node("LinearClassifier", ["scaled"], ["label", "probabilities"], domain=ML,
                         coefficients=[-v for v in w] + w, intercepts=[-b, b], post_transform="LOGISTIC",
                         classlabels_strings=["stay", "leave"]),
        helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain=ML,
                         classlabels_strings=["stay", "leave"]),
    ]
    shape = numpy_helper.from_array(np.array([-1, 3], dtype=np.int64), "plan_shape")
    outputs = [helper.make_tensor_value_info("label", TensorProto.STRING, [None]),
               zipmap_output("output_probability", TensorProto.STRING)]
    model = model_of(nodes, inputs, outputs, [shape])
    age = (18 + rng.random(ROWS) * 60).astype(np.float32).astype(np.float64)
    charges = (rng.random(ROWS) * 120).astype(np.float32).astype(np.float64)
    plan = [PLANS[k] if k < 3 else None for k in rng.integers(0, 4, ROWS)]
    onehot = np.array([[1.0 if p == c else 0.0 for c in PLANS] for p in plan])
    features = np.column_stack([age, charges, onehot])
    z = ((features - offset) * scale) @ np.array(w) + b
    signature = [{"type": "double", "name": "age", "required": True},
                 {"type": "double", "name": "charges", "required": True},
                 {"type": "string", "name": "plan", "required": True}]
    rows = [[float(a), float(c), p] for a, c, p in zip(age, charges, plan)]
    write("linear-binary", model, signature, ["age", "charges", "plan"], rows, logistic(z), "binary",
          ["stay", "leave"], external=True)


def plain_logistic(rng):
    d = TensorProto.DOUBLE
    w = rng.normal(size=(5, 1))
    b = np.array([0.3])
    nodes = [helper.make_node("MatMul", ["X", "W"], ["xw"]),
             helper.make_node("Add", ["xw", "B"], ["z"]),
             helper.make_node("Sigmoid", ["z"], ["probability"])]
    inits = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B")]
    model = model_of(nodes, [helper.make_tensor_value_info("X", d, [None, 5])],
                     [helper.make_tensor_value_info("probability", d, [None, 1])], inits)
    x = rng.normal(size=(ROWS, 5))
    p = logistic(x @ w[:, 0] + b[0])
    write("plain-logistic", model, None, [f"f{j}" for j in range(5)], rows_json(x), p, "binary", ["0", "1"],
          external=True)


def main():
    rng = np.random.default_rng(20240601)
    binary_trees(rng, "LOGISTIC", "tree-binary-zipmap", zipmap=True)
    binary_trees(rng, "NONE", "tree-binary-raw", zipmap=False)
    forest(rng)
    multiclass(rng)
    regression(rng)
    linear_binary(rng)
    plain_logistic(rng)


if __name__ == "__main__":
    main()

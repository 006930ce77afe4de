#!/usr/bin/python3
"""Writes the xgboost-runtime fixtures: MLflow 2.x model folders and xgboost's own predictions.

Run from the repository root with Debian's Python (python3-xgboost 1.7.x, pandas, scipy, yaml):

    /usr/bin/python3 test-fixtures/runtimes/xgboost/make-fixtures.py

MLflow is not needed: each folder gets the MLmodel that `mlflow.xgboost.log_model` (MLflow 2.12)
writes, by hand: an `xgboost` flavor (data, model_class, model_format, xgb_version) and a
`python_function` flavor loading it with mlflow.xgboost. Folders:

  binary-booster-xgb       Booster, binary:logistic, base_score 0.3, legacy binary model.xgb
                           (MLflow 2.x's default format; feature names are not in that format)
  binary-classifier-json   XGBClassifier fit on a DataFrame (double, long, boolean columns) with early
                           stopping (trees past best_iteration are kept, predict leaves them out), model.json
  regression-ubj           XGBRegressor fit on a numpy array (tensor signature), model.ubj
  multiclass-softprob-xgb  XGBClassifier, 3 classes (multi:softprob), legacy model.xgb, no signature
  multiclass-softmax-json  Booster, multi:softmax, 3 classes, model.json (probabilities as
                           XGBClassifier.predict_proba gives them: softmax of the margins)

Next to each folder, NAME.expected.json holds the input rows (null = missing) and xgboost's output:
P(class 1) for binary, the value for regression, one probability per class for multiclass.
Inputs end with rows whose float64 value sits just below a split threshold but rounds onto it in
float32, so a scorer that compares in float64 goes the wrong way there.
"""

import json
import os
import shutil

import numpy as np
import pandas as pd
import scipy.special
import xgboost as xgb
import yaml

OUT = os.path.dirname(os.path.abspath(__file__))
ROWS, TREES, DEPTH = 150, 20, 3
COLUMNS = [("age", "double"), ("income", "double"), ("tenure", "long"), ("balance", "double"),
           ("visits", "long"), ("ratio", "double")]
SCALE = np.array([10, 1000, 1, 50, 1, 0.3])
PARAMS = {"max_depth": DEPTH, "eta": 0.3, "seed": 7, "tree_method": "hist", "nthread": 1}


def make_x(rng):
    """Doubles with 10% missing, longs as small whole numbers (never missing)."""
    x = rng.normal(size=(ROWS, len(COLUMNS))) * SCALE
    for j, (_, kind) in enumerate(COLUMNS):
        if kind == "long":
            x[:, j] = np.round(np.abs(x[:, j]) * 3)
        else:
            x[rng.random(ROWS) < 0.1, j] = np.nan
    return x


def logit_of(x):
    z = np.nan_to_num(x / SCALE)
    return 0.8 * z[:, 0] - 1.2 * z[:, 1] + 0.3 * z[:, 2] * z[:, 3] + 0.5 * np.isnan(x[:, 5]) - 0.4


def split_edges(booster, x, doubles, count=10):
    """Rows whose float64 value is just below a threshold (of each tree's first split on a double
    column) but equals it in float32."""
    trees = json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]["model"]["trees"]
    rows = []
    for tree in trees:
        inner = [n for n, left in enumerate(tree["left_children"])
                 if left != -1 and tree["split_indices"][n] in doubles]
        if not inner:
            continue
        f, c = tree["split_indices"][inner[0]], np.float32(tree["split_conditions"][inner[0]])
        below = float(c) - abs(float(np.spacing(c))) / 4
        if not (np.float32(below) == c and below < float(c)):
            continue
        row = np.array(x[len(rows) % ROWS], dtype=np.float64)
        row[f] = below
        rows.append(row)
        if len(rows) == count:
            break
    return np.vstack([x, np.array(rows)]) if rows else x


def mlmodel(data, model_class, model_format, signature):
    doc = {
        "artifact_path": "model",
        "flavors": {
            "python_function": {
                "data": data,
                "env": {"conda": "conda.yaml", "virtualenv": "python_env.yaml"},
                "loader_module": "mlflow.xgboost",
                "python_version": "3.11.2",
            },
            "xgboost": {
                "code": None,
                "data": data,
                "model_class": model_class,
                "model_format": model_format,
                "xgb_version": xgb.__version__,
            },
        },
        "mlflow_version": "2.12.2",
        "model_uuid": "00000000000000000000000000000000",
        "run_id": "fixture",
        "utc_time_created": "2024-06-01 00:00:00.000000",
    }
    if signature is not None:
        doc["signature"] = {
            "inputs": json.dumps(signature),
            "outputs": json.dumps([{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]),
            "params": None,
        }
    return yaml.safe_dump(doc, default_flow_style=False)


def column_signature(columns):
    return [{"type": kind, "name": name, "required": True} for name, kind in columns]


def write(name, model, model_class, fmt, signature, columns, x, predictions):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    data = f"model.{fmt}"
    model.save_model(os.path.join(folder, data))
    with open(os.path.join(folder, "MLmodel"), "w") as fh:
        fh.write(mlmodel(data, model_class, fmt, signature))
    with open(os.path.join(folder, "requirements.txt"), "w") as fh:
        fh.write(f"mlflow==2.12.2\nxgboost=={xgb.__version__}\n")
    rows = [[None if np.isnan(v) else float(v) for v in r] for r in np.asarray(x, dtype=np.float64)]
    preds = np.asarray(predictions, dtype=np.float64).tolist()
    expected = {"xgboost_version": xgb.__version__, "columns": columns, "rows": rows, "predictions": preds}
    with open(os.path.join(OUT, f"{name}.expected.json"), "w") as fh:
        json.dump(expected, fh)


def frame(x, columns):
    df = pd.DataFrame({n: x[:, j] for j, n in enumerate(columns)})
    for n, kind in zip(columns, [k for _, k in COLUMNS] + ["boolean"]):
        if kind == "long":
            df[n] = df[n].astype(np.int64)
        elif kind == "boolean":
            df[n] = df[n].astype(bool)
    return df


def main():
    rng = np.random.default_rng(20240601)
    names = [n for n, _ in COLUMNS]
    doubles = {j for j, (_, k) in enumerate(COLUMNS) if k == "double"}

    # 1. Booster, legacy binary. Trained with names; model.xgb keeps none, the signature gives them.
    x = make_x(rng)
    y = (rng.random(ROWS) < scipy.special.expit(logit_of(x))).astype(np.float64)
    params = {**PARAMS, "objective": "binary:logistic", "base_score": 0.3}
    bst = xgb.train(params, xgb.DMatrix(x, label=y, feature_names=names), num_boost_round=TREES)
    x = split_edges(bst, x, doubles)
    pred = bst.predict(xgb.DMatrix(x, feature_names=names))
    write("binary-booster-xgb", bst, "xgboost.core.Booster", "xgb", column_signature(COLUMNS), names, x, pred)

    # 2. XGBClassifier on a DataFrame with a boolean column; model.json keeps the feature names.
    x = np.hstack([make_x(rng), (rng.random((ROWS, 1)) < 0.4).astype(np.float64)])
    logit = logit_of(x[:, :6]) + 1.5 * x[:, 6]
    y = (rng.random(ROWS) < scipy.special.expit(logit)).astype(np.int64)
    cols = names + ["member"]
    # Early stopping on a noisy validation half: the model keeps trees past best_iteration, which
    # the sklearn wrapper's predict leaves out (a Booster's predict would use them all).
    clf = xgb.XGBClassifier(n_estimators=60, max_depth=DEPTH, learning_rate=0.05, random_state=7, n_jobs=1,
                            early_stopping_rounds=5)
    half = ROWS // 2
    clf.fit(frame(x[:half], cols), y[:half], eval_set=[(frame(x[half:], cols), y[half:])], verbose=False)
    rounds = clf.get_booster().num_boosted_rounds()
    assert clf.best_iteration + 1 < rounds, (clf.best_iteration, rounds)
    x = split_edges(clf.get_booster(), x, doubles)
    pred = clf.predict_proba(frame(x, cols))[:, 1]
    sig = column_signature(COLUMNS + [("member", "boolean")])
    write("binary-classifier-json", clf, "xgboost.sklearn.XGBClassifier", "json", sig, cols, x, pred)

    # 3. XGBRegressor on a numpy array: no feature names, a tensor signature.
    x = make_x(rng)
    z = np.nan_to_num(x / SCALE)
    y = 3 * z[:, 0] + np.sin(z[:, 1]) * 5 + z[:, 2] ** 2 + rng.normal(size=ROWS) + 40
    reg = xgb.XGBRegressor(n_estimators=TREES, max_depth=DEPTH, learning_rate=0.3, random_state=7, n_jobs=1)
    reg.fit(x, y)
    x = split_edges(reg.get_booster(), x, doubles)
    tensor = [{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, len(COLUMNS)]}}]
    unnamed = [f"f{j}" for j in range(len(COLUMNS))]
    write("regression-ubj", reg, "xgboost.sklearn.XGBRegressor", "ubj", tensor, unnamed, x, reg.predict(x))

    # 4. XGBClassifier, 3 classes (softprob), legacy binary, logged without a signature.
    x = make_x(rng)
    z = np.nan_to_num(x / SCALE)
    y = np.digitize(z[:, 0] - z[:, 1] + 0.5 * z[:, 3], [-0.6, 0.6])
    clf = xgb.XGBClassifier(n_estimators=10, max_depth=DEPTH, learning_rate=0.3, random_state=7, n_jobs=1)
    clf.fit(x, y)
    x = split_edges(clf.get_booster(), x, doubles)
    write("multiclass-softprob-xgb", clf, "xgboost.sklearn.XGBClassifier", "xgb", None, unnamed, x,
          clf.predict_proba(x))

    # 5. Booster, multi:softmax: predict_proba's softmax of the margins.
    x = make_x(rng)
    z = np.nan_to_num(x / SCALE)
    y = np.digitize(z[:, 3] + z[:, 0] * 0.5, [-0.5, 0.5]).astype(np.float64)
    params = {**PARAMS, "objective": "multi:softmax", "num_class": 3}
    bst = xgb.train(params, xgb.DMatrix(x, label=y, feature_names=names), num_boost_round=10)
    x = split_edges(bst, x, doubles)
    margin = bst.predict(xgb.DMatrix(x, feature_names=names), output_margin=True)
    proba = scipy.special.softmax(margin, axis=1)
    write("multiclass-softmax-json", bst, "xgboost.core.Booster", "json", column_signature(COLUMNS), names, x,
          proba)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""scikit-learn models in MLflow 2.x's folder layout, for the Python runtime's tests.

Run from the repository root with Debian's Python (python3-sklearn, python3-cloudpickle, python3-pandas):

    /usr/bin/python3 test-fixtures/runtimes/sklearn/make-fixtures.py

MLflow is not needed: each folder is written as `mlflow.sklearn.log_model` (MLflow 2.12) writes it
(`MLmodel` with the `python_function` and `sklearn` flavors, `model.pkl`, `requirements.txt`,
`python_env.yaml`), by hand. Beside each folder, `<name>.rows.json` holds the fixture rows
(`columns`: name -> values, null for missing; `types`: name -> int|float|string) and scikit-learn's own
output for every row (`expected`): binary -> predict_proba[:, 1]; multiclass -> predict_proba rows;
regression -> predict.

  binary      ColumnTransformer(imputer + StandardScaler on numbers, one-hot on strings) + LogisticRegression,
              Telco churn ("No"/"Yes"), cloudpickle, signature with long/double/string inputs
  regression  GradientBoostingRegressor (MonthlyCharges from numbers), pickle, no signature
              (the inputs come from feature_names_in_)
  multiclass  StandardScaler + LogisticRegression (Contract, 3 classes), cloudpickle, signature
  sleepy      a regressor defined here (pickled by value with cloudpickle) whose predict sleeps
              max(sleep) seconds and returns 2 * x: for timeout and crash tests
"""
import importlib.metadata
import json
import os
import platform
import shutil
import time

import cloudpickle
import numpy as np
import pandas as pd
import pickle
import sklearn
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared-data", "telco-churn.csv")
TRAIN_ROWS = 1500
NUMBERS = ["tenure", "SeniorCitizen", "MonthlyCharges", "TotalCharges"]
STRINGS = ["Contract", "InternetService", "PaperlessBilling"]
MLFLOW_TYPES = {"tenure": "long", "SeniorCitizen": "long", "MonthlyCharges": "double", "TotalCharges": "double"}
REQUIREMENTS = ["cloudpickle", "numpy", "pandas", "scikit-learn", "scipy"]


class SleepyRegressor(RegressorMixin, BaseEstimator):
    """Sleeps max(sleep) seconds, then predicts 2 * x."""

    def fit(self, X, y=None):
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.array(list(X.columns), dtype=object)
        return self

    def predict(self, X):
        time.sleep(float(np.max(X["sleep"].to_numpy(dtype=float))))
        return 2.0 * X["x"].to_numpy(dtype=float)


def load_telco():
    df = pd.read_csv(DATA)
    df["TotalCharges"] = pd.to_numeric(df["TotalCharges"].str.strip(), errors="coerce")
    return df


def fixture_rows(df):
    """60 rows after the training rows plus every row with a blank TotalCharges."""
    blank = df.index[df["TotalCharges"].isna()]
    rows = df.iloc[TRAIN_ROWS : TRAIN_ROWS + 60].index.union(blank)
    return df.loc[rows].reset_index(drop=True)


def mlmodel(name, fmt, signature):
    py = platform.python_version()
    lines = [
        "artifact_path: model",
        "flavors:",
        "  python_function:",
        "    env:",
        "      conda: conda.yaml",
        "      virtualenv: python_env.yaml",
        "    loader_module: mlflow.sklearn",
        "    model_path: model.pkl",
        "    predict_fn: predict",
        f"    python_version: {py}",
        "  sklearn:",
        "    code: null",
        "    pickled_model: model.pkl",
        f"    serialization_format: {fmt}",
        f"    sklearn_version: {sklearn.__version__}",
        "mlflow_version: 2.12.2",
        "model_size_bytes: 0",
        f"model_uuid: fixture-{name}",
        "run_id: 0123456789abcdef0123456789abcdef",
    ]
    if signature is not None:
        lines += ["signature:", f"  inputs: '{json.dumps(signature)}'", "  outputs: null", "  params: null"]
    lines.append("utc_time_created: '2024-05-01 12:00:00.000000'")
    return "\n".join(lines) + "\n"


def write_folder(name, model, fmt, signature):
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with open(os.path.join(out, "model.pkl"), "wb") as f:
        (cloudpickle if fmt == "cloudpickle" else pickle).dump(model, f)
    with open(os.path.join(out, "requirements.txt"), "w") as f:
        f.write("mlflow==2.12.2\n")
        f.writelines(f"{p}=={importlib.metadata.version(p)}\n" for p in REQUIREMENTS)
    with open(os.path.join(out, "python_env.yaml"), "w") as f:
        f.write(f"python: {platform.python_version()}\nbuild_dependencies:\n- pip==23.0.1\n")
        f.write("- setuptools==66.1.1\n- wheel==0.38.4\ndependencies:\n- -r requirements.txt\n")
    with open(os.path.join(out, "conda.yaml"), "w") as f:
        f.write(f"channels:\n- conda-forge\ndependencies:\n- python={platform.python_version()}\n- pip\n")
    with open(os.path.join(out, "MLmodel"), "w") as f:
        f.write(mlmodel(name, fmt, signature))


def write_rows(name, frame, types, expected):
    columns = {c: [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in frame[c]] for c in frame}
    doc = {"columns": columns, "types": types, "expected": expected}
    with open(os.path.join(HERE, f"{name}.rows.json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


def binary(df, rows):
    features = NUMBERS + STRINGS
    numbers = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    prep = ColumnTransformer([("num", numbers, NUMBERS), ("cat", OneHotEncoder(handle_unknown="ignore"), STRINGS)])
    model = Pipeline([("prep", prep), ("clf", LogisticRegression(max_iter=1000))])
    train = df.iloc[:TRAIN_ROWS]
    model.fit(train[features], train["Churn"])
    signature = [{"type": MLFLOW_TYPES.get(c, "string"), "name": c, "required": True} for c in features]
    write_folder("binary", model, "cloudpickle", signature)
    types = {c: ("int" if MLFLOW_TYPES.get(c) == "long" else "float" if c in NUMBERS else "string") for c in features}
    write_rows("binary", rows[features], types, model.predict_proba(rows[features])[:, 1].tolist())


def regression(df, rows):
    features = ["tenure", "SeniorCitizen", "TotalCharges"]
    train = df.iloc[:TRAIN_ROWS].dropna(subset=["TotalCharges"])
    model = GradientBoostingRegressor(n_estimators=25, max_depth=3, random_state=7)
    model.fit(train[features], train["MonthlyCharges"])
    # GradientBoostingRegressor refuses NaN: the fixture rows are those with every input present.
    x = rows[features].dropna()
    write_folder("regression", model, "pickle", None)
    write_rows("regression", x, {"tenure": "int", "SeniorCitizen": "int", "TotalCharges": "float"}, model.predict(x).tolist())


def multiclass(df, rows):
    features = ["tenure", "MonthlyCharges", "SeniorCitizen"]
    model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))])
    train = df.iloc[:TRAIN_ROWS]
    model.fit(train[features], train["Contract"])
    signature = [{"type": MLFLOW_TYPES[c], "name": c, "required": True} for c in features]
    write_folder("multiclass", model, "cloudpickle", signature)
    types = {"tenure": "int", "MonthlyCharges": "float", "SeniorCitizen": "int"}
    write_rows("multiclass", rows[features], types, model.predict_proba(rows[features]).tolist())


def sleepy():
    x = pd.DataFrame({"x": [1.0, 2.0], "sleep": [0.0, 0.0]})
    model = SleepyRegressor().fit(x)
    signature = [{"type": "double", "name": c, "required": True} for c in ["x", "sleep"]]
    write_folder("sleepy", model, "cloudpickle", signature)
    rows = pd.DataFrame({"x": [0.5 * i for i in range(10)], "sleep": [0.0] * 10})
    write_rows("sleepy", rows, {"x": "float", "sleep": "float"}, model.predict(rows).tolist())


def main():
    df = load_telco()
    rows = fixture_rows(df)
    binary(df, rows)
    regression(df, rows)
    multiclass(df, rows)
    sleepy()
    print("wrote", ", ".join(["binary", "regression", "multiclass", "sleepy"]), "under", HERE)


if __name__ == "__main__":
    main()

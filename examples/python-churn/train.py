#!/usr/bin/env python3
"""Train the churn model with scikit-learn and log it in MLflow's model format.

The `train` step of pipeline.yaml runs this script. It fits a scikit-learn pipeline (median
imputation and scaling of the numbers, one-hot encoding of the categories, logistic regression) on
the Telco churn CSV, writes the fitted pipeline as an MLflow 2.x model folder (what
`mlflow.sklearn.log_model` writes: MLmodel with the `sklearn` and `python_function` flavors,
model.pkl, the input signature, requirements.txt, python_env.yaml, conda.yaml), and logs and
registers that folder with `modelworks models log`. With MLflow installed you would call
`mlflow.sklearn.log_model(..., registered_model_name=...)` instead: the server accepts both.

Run by hand (with Debian: apt install python3-sklearn python3-cloudpickle python3-pandas):

    python3 train.py --data ../../test-fixtures/shared-data/telco-churn.csv --name churn-py --out /tmp/model

Under `modelworks pipeline run` / `up` the platform passes MLFLOW_TRACKING_URI, MODELWORKS_TOKEN
and MLFLOW_RUN_ID (the step's tracking run, which receives the params, metrics and model) and
reads the step's outputs from $MODELWORKS_WORK_DIR/outputs.json.
"""
import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import cloudpickle
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMBERS = ["tenure", "SeniorCitizen", "MonthlyCharges", "TotalCharges"]
CATEGORIES = ["Contract", "InternetService", "PaymentMethod", "PaperlessBilling", "TechSupport", "OnlineSecurity"]
LABEL = "Churn"
# MLflow's column types for the signature (pandas int64 -> long, float64 -> double, object -> string).
MLFLOW_TYPES = {"int64": "long", "float64": "double", "object": "string"}
REQUIREMENTS = ["cloudpickle", "numpy", "pandas", "scikit-learn", "scipy"]


def read_data(path, categories):
    df = pd.read_csv(path)
    # TotalCharges is blank for new customers: missing, as the platform's CSV reader sees it.
    df["TotalCharges"] = pd.to_numeric(df["TotalCharges"].astype(str).str.strip(), errors="coerce")
    return df[NUMBERS + categories], df[LABEL]


def fit(x, y, c):
    numbers = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categories = [col for col in x.columns if col not in NUMBERS]
    prep = ColumnTransformer([("num", numbers, NUMBERS),
                              ("cat", OneHotEncoder(handle_unknown="ignore"), categories)])
    return Pipeline([("prep", prep), ("clf", LogisticRegression(C=c, max_iter=2000))]).fit(x, y)


def write_mlflow_folder(model, x, out):
    """The folder `mlflow.sklearn.log_model` (MLflow 2.x) writes, without MLflow."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    py = platform.python_version()
    with open(os.path.join(out, "model.pkl"), "wb") as f:
        cloudpickle.dump(model, f)
    with open(os.path.join(out, "requirements.txt"), "w") as f:
        f.writelines(f"{p}=={importlib.metadata.version(p)}\n" for p in REQUIREMENTS)
    with open(os.path.join(out, "python_env.yaml"), "w") as f:
        f.write(f"python: {py}\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\n")
        f.write("dependencies:\n- -r requirements.txt\n")
    with open(os.path.join(out, "conda.yaml"), "w") as f:
        f.write(f"channels:\n- conda-forge\ndependencies:\n- python={py}\n- pip\n- pip:\n")
        f.writelines(f"  - {p}=={importlib.metadata.version(p)}\n" for p in REQUIREMENTS)
    inputs = [{"type": MLFLOW_TYPES[str(x[c].dtype)], "name": c, "required": True} for c in x.columns]
    outputs = [{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]
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
        "    serialization_format: cloudpickle",
        f"    sklearn_version: {sklearn.__version__}",
        "mlflow_version: 2.12.2",
        f"model_size_bytes: {os.path.getsize(os.path.join(out, 'model.pkl'))}",
        "signature:",
        f"  inputs: '{json.dumps(inputs)}'",
        f"  outputs: '{json.dumps(outputs)}'",
        "  params: null",
    ]
    with open(os.path.join(out, "MLmodel"), "w") as f:
        f.write("\n".join(lines) + "\n")


def log_to_run(params, metrics):
    """Params and metrics on the step's tracking run (MLflow's REST API), when there is one."""
    uri, run_id = os.environ.get("MLFLOW_TRACKING_URI"), os.environ.get("MLFLOW_RUN_ID")
    if not uri or not run_id:
        return
    body = {
        "run_id": run_id,
        "params": [{"key": k, "value": str(v)} for k, v in params.items()],
        "metrics": [{"key": k, "value": v, "timestamp": 0, "step": 0} for k, v in metrics.items()],
    }
    headers = {"content-type": "application/json"}
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"{uri.rstrip('/')}/api/2.0/mlflow/runs/log-batch",
                                 data=json.dumps(body).encode(), headers=headers, method="POST")
    urllib.request.urlopen(req, timeout=30).read()


def log_model(modelworks, folder, name, training_data):
    """`modelworks models log FOLDER --name NAME`: uploads the folder and registers a version."""
    argv = [modelworks, "models", "log", folder, "--name", name, "--json"]
    if os.environ.get("MLFLOW_RUN_ID"):
        argv += ["--run-id", os.environ["MLFLOW_RUN_ID"]]
    if training_data:
        argv += ["--training-data", training_data]
    print("$", " ".join(argv), flush=True)
    # `models log` loads the model to check it: with this interpreter, which can unpickle it.
    env = {**os.environ, "MODELWORKS_PYTHON": os.environ.get("MODELWORKS_PYTHON", sys.executable)}
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"modelworks models log failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description="Train the churn model with scikit-learn and log it.")
    parser.add_argument("--data", required=True, help="the Telco churn CSV")
    parser.add_argument("--name", required=True, help="the registered model")
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularization strength")
    parser.add_argument("--categories", default=",".join(CATEGORIES), help="categorical columns, comma-separated")
    parser.add_argument("--training-data", default="", help="the dataset version trained on (DATASET@VERSION)")
    parser.add_argument("--modelworks", default="modelworks", help="the modelworks executable")
    parser.add_argument("--out", default="", help="write the model folder here (default: a temporary folder)")
    args = parser.parse_args()

    categories = [c.strip() for c in args.categories.split(",") if c.strip()]
    x, y = read_data(args.data, categories)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=42, stratify=y)
    model = fit(x_train, y_train, args.C)
    p = model.predict_proba(x_test)[:, list(model.classes_).index("Yes")]
    metrics = {"roc_auc": roc_auc_score(y_test == "Yes", p), "log_loss": log_loss(y_test == "Yes", p)}
    print(f"trained: C={args.C}, test ROC AUC {metrics['roc_auc']:.4f}, log loss {metrics['log_loss']:.4f}")
    # The registered model is fitted on every row; the split above only measured it.
    model = fit(x, y, args.C)
    log_to_run({"C": args.C, "categories": ",".join(categories), "algo": "logistic_regression", "sklearn_version": sklearn.__version__}, metrics)

    folder = args.out or os.path.join(tempfile.mkdtemp(prefix="python-churn-"), "model")
    write_mlflow_folder(model, x, folder)
    logged = log_model(args.modelworks, folder, args.name, args.training_data)
    print(f"registered {logged['name']}/{logged['version']} (run {logged['run_id']})")
    work = os.environ.get("MODELWORKS_WORK_DIR")
    if work:
        outputs = {"model": logged["name"], "version": str(logged["version"]), "run_id": logged["run_id"], **metrics}
        with open(os.path.join(work, "outputs.json"), "w") as f:
            json.dump(outputs, f)
    if not args.out:
        shutil.rmtree(os.path.dirname(folder), ignore_errors=True)


if __name__ == "__main__":
    np.random.seed(42)
    main()

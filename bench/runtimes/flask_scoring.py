"""The MLflow scoring server's architecture, without MLflow (which Debian does not package): a
Flask app under gunicorn whose /invocations builds one pandas DataFrame and makes one
predict_proba call per request, as `mlflow models serve` (pyfunc scoring server) does for a
scikit-learn classifier. Used by bench/runtimes/one-row.ts as the anchor of the Python runtime.

    MODEL_DIR=test-fixtures/runtimes/sklearn/binary gunicorn -w 2 -b 127.0.0.1:PORT \
        --chdir bench/runtimes flask_scoring:app
"""
import os

import cloudpickle
import pandas as pd
from flask import Flask, Response, jsonify, request

with open(os.path.join(os.environ["MODEL_DIR"], "model.pkl"), "rb") as f:
    MODEL = cloudpickle.load(f)
POSITIVE = list(MODEL.classes_).index(MODEL.classes_[-1])

app = Flask(__name__)


@app.get("/ping")
def ping():
    return Response("\n", status=200, mimetype="application/json")


@app.post("/invocations")
def invocations():
    body = request.get_json(force=True)
    if "dataframe_split" in body:
        split = body["dataframe_split"]
        frame = pd.DataFrame(split["data"], columns=split["columns"])
    elif "dataframe_records" in body:
        frame = pd.DataFrame.from_records(body["dataframe_records"])
    else:
        return jsonify({"error_code": "BAD_REQUEST", "message": "expected dataframe_split or dataframe_records"}), 400
    scores = MODEL.predict_proba(frame)[:, POSITIVE]
    return jsonify({"predictions": scores.tolist()})

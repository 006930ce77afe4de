"""Modelworks' Python model worker: loads one MLflow model folder, then scores batches until stdin closes.

Started by src/runtimes/python/worker-pool.ts (one process per pool slot); never run by hand.

Frames, both ways: u32 LE payload length, then the payload: u32 LE header length, a JSON header, zero
padding to a multiple of 8 bytes from the payload start, then the binary body.
- {"op": "load", ...} -> {"ok", "kind", "classes", "features", "python", "installed", "loader", ...}
- {"op": "predict", "rows": n, "cols": [{"n": name, "t": "f"|"b"|"t"} | {"n", "t": "s", "dict": [...]}]} with, per
  column, n float64 (f numbers, b booleans 0/1, t epoch ms; NaN = missing) or n int32 dictionary codes
  (s, -1 = missing, padded to 8 bytes) -> {"ok", "rows", "width"} with rows * width float64, row-major.
A failure answers {"ok": false, "error": "..."}; the worker keeps serving.
"""
import importlib.metadata
import importlib.util
import json
import os
import pickle
import platform
import struct
import sys

U32 = struct.Struct("<I")


def pad8(n):
    return (n + 7) & ~7


def read_exact(stream, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = stream.readinto(view[got:])
        if not k:
            return None
        got += k
    return buf


def read_frame(stream):
    head = read_exact(stream, 4)
    if head is None:
        return None
    payload = read_exact(stream, U32.unpack(head)[0])
    if payload is None:
        return None
    header_len = U32.unpack_from(payload, 0)[0]
    header = json.loads(bytes(payload[4 : 4 + header_len]))
    # A writable view: estimators may modify their input in place.
    return header, memoryview(payload)[pad8(4 + header_len) :]


def write_frame(out, header, body=b""):
    data = json.dumps(header).encode()
    start = pad8(4 + len(data))
    total = start + len(body)
    out.write(U32.pack(total) + U32.pack(len(data)) + data + b"\0" * (start - 4 - len(data)))
    out.write(body)
    out.flush()


class LoadError(Exception):
    pass


def describe(error):
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= 600 else text[:600] + "..."


def try_import_mlflow():
    if importlib.util.find_spec("mlflow") is None:
        return None
    try:
        import mlflow.pyfunc
        import mlflow.sklearn

        return mlflow
    except Exception:  # a broken MLflow install: load the flavor directly instead
        return None


def unpickle(path, fmt, code):
    if not os.path.isfile(path):
        raise LoadError(f"'{path}' does not exist")
    if code:
        sys.path.insert(0, code)
    if fmt == "cloudpickle":
        try:
            import cloudpickle
        except ImportError as e:
            raise LoadError(f"'{path}' is a cloudpickle file and this interpreter cannot import cloudpickle ({e})")
        loader = cloudpickle.load
    else:
        loader = pickle.load
    try:
        with open(path, "rb") as f:
            return loader(f)
    except Exception as e:
        raise LoadError(f"'{path}' cannot be unpickled with {fmt} ({describe(e)})")


def label(value):
    return str(value.item() if hasattr(value, "item") else value)


def sklearn_model(config, mlflow):
    """The estimator, its kind and class labels (classifiers score with predict_proba, not labels)."""
    flavor = config["sklearn"]
    if mlflow is not None:
        # pyfunc's predict gives labels for classifiers; MLflow's sklearn loader gives the estimator.
        try:
            model, loader = mlflow.sklearn.load_model(config["dir"]), "mlflow.sklearn"
        except Exception as e:
            raise LoadError(f"'{flavor['path']}': mlflow.sklearn.load_model failed ({describe(e)})")
    else:
        model, loader = unpickle(flavor["path"], flavor["format"], flavor.get("code")), flavor["format"]
    name = type(model).__name__
    if getattr(model, "_estimator_type", None) == "classifier":
        if not hasattr(model, "predict_proba"):
            raise LoadError(f"'{flavor['path']}' holds the classifier {name}, which has no predict_proba")
        classes = [label(c) for c in model.classes_]
        if len(classes) < 2:
            raise LoadError(f"'{flavor['path']}' holds a classifier with {len(classes)} class")
        return model, ("binary" if len(classes) == 2 else "multiclass"), classes, loader
    if not callable(getattr(model, "predict", None)):
        raise LoadError(f"'{flavor['path']}' holds a {name}, not a scikit-learn estimator (it has no predict method)")
    return model, "regression", None, loader


def feature_names(model):
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    count = getattr(model, "n_features_in_", None)
    return [f"x{i}" for i in range(count)] if isinstance(count, int) else None


def installed(names):
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


class Worker:
    def __init__(self):
        self.model = None

    def load(self, config):
        try:
            import numpy  # noqa: F401
            import pandas  # noqa: F401
        except ImportError as e:
            raise LoadError(f"{sys.executable} cannot import {e.name}, which scoring needs")
        mlflow = try_import_mlflow()
        if config.get("sklearn"):
            self.model, self.kind, classes, loader = sklearn_model(config, mlflow)
            self.call = self.model.predict_proba if self.kind != "regression" else self.model.predict
        elif mlflow is not None:
            self.model, loader = mlflow.pyfunc.load_model(config["dir"]), "mlflow.pyfunc"
            self.kind, classes, self.call = config["kind"], config.get("classes"), self.model.predict
        else:
            raise LoadError(
                f"'{config['dir']}/MLmodel' has only the python_function flavor (loader_module "
                f"{config.get('loader_module')}); loading it needs MLflow, which {sys.executable} cannot import"
            )
        # The column types the model was logged with (MLflow signature), by name.
        self.types = {i["name"]: i.get("type") for i in config.get("inputs") or []}
        return {
            "ok": True,
            "kind": self.kind,
            "classes": classes,
            "features": feature_names(self.model),
            "estimator": type(self.model).__name__,
            "loader": loader,
            "python": platform.python_version(),
            "installed": installed(config.get("requirements", [])),
        }

    def frame(self, header, body):
        import numpy as np
        import pandas as pd

        n, offset, data = header["rows"], 0, {}
        for spec in header["cols"]:
            if spec["t"] == "s":
                codes = np.frombuffer(body, dtype="<i4", count=n, offset=offset)
                offset += pad8(4 * n)
                data[spec["n"]] = np.array(spec["dict"] + [None], dtype=object)[codes]
                continue
            values = np.frombuffer(body, dtype="<f8", count=n, offset=offset)
            offset += 8 * n
            data[spec["n"]] = convert(values, spec["t"], self.types.get(spec["n"]), pd)
        return pd.DataFrame(data, copy=False)

    def predict(self, header, body):
        import numpy as np

        out = self.call(self.frame(header, body))
        out = out.to_numpy() if hasattr(out, "to_numpy") else out
        try:
            scores = np.asarray(out, dtype="<f8")
        except (TypeError, ValueError):
            raise ValueError("the model answered with values that are not numbers (labels?)")
        if self.kind == "binary" and scores.ndim == 2:
            scores = scores[:, 1]
        if self.kind == "regression" and scores.ndim == 2 and scores.shape[1] == 1:
            scores = scores[:, 0]
        if scores.shape[0] != header["rows"] or scores.ndim > 2:
            raise ValueError(f"the model answered with shape {scores.shape} for {header['rows']} rows")
        width = 1 if scores.ndim == 1 else scores.shape[1]
        return {"ok": True, "rows": header["rows"], "width": width}, np.ascontiguousarray(scores).tobytes()


def convert(values, wire, declared, pd):
    """Wire float64 to the column type the model was logged with (as MLflow's schema enforcement does)."""
    import numpy as np

    if wire == "t":
        return pd.to_datetime(values, unit="ms")
    missing = np.isnan(values)
    if wire == "b" or declared == "boolean":
        if missing.any():
            return np.array([None if m else bool(v) for v, m in zip(values, missing)], dtype=object)
        return values != 0
    if declared in ("integer", "long") and not missing.any():
        return values.astype("int32" if declared == "integer" else "int64")
    return values.astype("float32") if declared == "float" else values


def main():
    out = os.fdopen(os.dup(1), "wb")
    # Whatever the model prints must not corrupt the frames: fd 1 now goes to stderr.
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stream = sys.stdin.buffer
    worker = Worker()
    while True:
        frame = read_frame(stream)
        if frame is None:
            return
        header, body = frame
        reply, data = {"ok": False, "error": "unknown op"}, b""
        try:
            if header.get("op") == "load":
                reply = worker.load(header)
            elif header.get("op") == "predict" and worker.model is not None:
                reply, data = worker.predict(header, body)
        except LoadError as e:
            reply = {"ok": False, "error": str(e)}
        except Exception as e:
            reply = {"ok": False, "error": describe(e)}
        write_frame(out, reply, data)


if __name__ == "__main__":
    main()

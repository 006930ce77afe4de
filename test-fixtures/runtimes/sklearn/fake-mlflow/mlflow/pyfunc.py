"""mlflow.pyfunc.load_model: a model whose predict returns the row sums of the input DataFrame."""


class _RowSum:
    def predict(self, data):
        return data.sum(axis=1)


def load_model(model_uri):
    return _RowSum()

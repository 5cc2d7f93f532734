"""The MLflow 2 client against track: the everyday flow, and `log_model`, which records the model
in the run's `mlflow.log-model.history` tag through `runs/log-model` (an endpoint the 3.x client
no longer calls). Run with a venv holding mlflow 2 (see requirements.txt here); the interop
suite's own run, with mlflow 3, leaves this folder out (see ../conftest.py)."""
from __future__ import annotations

import json
import logging
import math

import mlflow
import mlflow.pyfunc
import pandas as pd
import pytest


class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input * 2


def test_the_client_is_mlflow_2():
    assert mlflow.__version__.startswith("2."), mlflow.__version__


def test_logging_and_reading_back(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run(run_name="two") as run:
        mlflow.log_params({"lr": 0.01, "layers": 3})
        for step in range(50):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        mlflow.log_metric("odd", float("nan"), step=0)
        mlflow.set_tag("team", "vision")
        mlflow.log_dict({"seed": 7}, "config.json")
    got = client.get_run(run.info.run_id)
    assert got.data.params == {"lr": "0.01", "layers": "3"}
    assert got.data.tags["team"] == "vision"
    assert got.info.status == "FINISHED"
    history = client.get_metric_history(run.info.run_id, "loss")
    assert [m.step for m in history] == list(range(50))
    assert history[-1].value == 1.0 / 50
    assert math.isnan(client.get_metric_history(run.info.run_id, "odd")[0].value)
    found = mlflow.search_runs(experiment_names=[exp_name], filter_string="metrics.loss < 0.1", output_format="list")
    assert [r.info.run_id for r in found] == [run.info.run_id]
    assert mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/config.json") == {"seed": 7}


def test_log_model_is_recorded_in_the_run(client, exp_name, caplog):
    mlflow.set_experiment(exp_name)
    with caplog.at_level(logging.WARNING, logger="mlflow"):
        with mlflow.start_run() as run:
            first = mlflow.pyfunc.log_model("model", python_model=Doubler())
            second = mlflow.pyfunc.log_model("model-v2", python_model=Doubler())
    failures = [r.getMessage() for r in caplog.records if "Logging model metadata to the tracking server has failed" in r.getMessage()]
    assert failures == [], "the server refused runs/log-model"

    tag = client.get_run(run.info.run_id).data.tags["mlflow.log-model.history"]
    history = json.loads(tag)
    assert [entry["artifact_path"] for entry in history] == ["model", "model-v2"]
    for entry in history:
        assert entry["run_id"] == run.info.run_id
        assert "python_function" in entry["flavors"]
        assert "config" not in entry["flavors"]["python_function"]
        assert set(entry) == {"run_id", "artifact_path", "utc_time_created", "model_uuid", "flavors"}
    assert history[0]["model_uuid"] != history[1]["model_uuid"]
    # The tag is written as the client's json.dumps writes it.
    assert tag == json.dumps(history)

    loaded = mlflow.pyfunc.load_model(first.model_uri)
    assert loaded.predict(pd.DataFrame({"x": [1, 2]}))["x"].tolist() == [2, 4]
    assert second.model_uri == f"runs:/{run.info.run_id}/model-v2"


def test_register_and_load_by_name(client, exp_name):
    mlflow.set_experiment(exp_name)
    name = f"{exp_name}-model"
    with mlflow.start_run():
        info = mlflow.pyfunc.log_model("model", python_model=Doubler(), registered_model_name=name)
    version = client.get_model_version(name, "1")
    assert version.source.endswith("/model")
    assert version.run_id == info.run_id
    client.set_registered_model_alias(name, "champion", "1")
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    assert loaded.predict(pd.DataFrame({"x": [5]}))["x"].tolist() == [10]


def test_log_model_to_a_deleted_run_is_refused(client, exp_name):
    from mlflow.models import Model

    experiment_id = mlflow.create_experiment(exp_name)
    run = client.create_run(experiment_id)
    client.delete_run(run.info.run_id)
    model = Model(artifact_path="model", run_id=run.info.run_id, flavors={"python_function": {}})
    with pytest.raises(mlflow.exceptions.MlflowException) as excinfo:
        client._record_logged_model(run.info.run_id, model)
    assert excinfo.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "must be in the 'active' state" in excinfo.value.message

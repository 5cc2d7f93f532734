"""MLflow 3's logged models: `mlflow.pyfunc.log_model` and loading it back, the logged-model
API of the fluent client and `MlflowClient`, and metrics linked to a model."""
import math

import mlflow
import mlflow.pyfunc
import pytest
from mlflow.exceptions import MlflowException

from conftest import assert_error_code, unique


class AddN(mlflow.pyfunc.PythonModel):
    def __init__(self, n):
        self.n = n

    def predict(self, context, model_input, params=None):
        return [x + self.n for x in model_input]


def test_log_model_and_load_it_back(server_url, exp_name, tmp_path):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        mlflow.log_param("n", 3)
        mlflow.log_metric("train_loss", 0.5, step=0)
        # log_model links the run's metrics of its step (0) to the model; later ones are linked
        # by naming the model.
        info = mlflow.pyfunc.log_model(name="adder", python_model=AddN(3), params={"n": "3"})
        mlflow.log_metric("val_acc", 0.75, step=1, model_id=info.model_id)
        mlflow.log_metrics({"val_loss": float("nan")}, step=1, model_id=info.model_id)
        mlflow.log_metric("unlinked", 1.0, step=1)

    model_id = info.model_id
    assert model_id.startswith("m-") and len(model_id) == 34
    assert info.model_uri == f"models:/{model_id}"

    model = mlflow.get_logged_model(model_id)
    assert model.name == "adder"
    assert model.status.to_proto() == mlflow.entities.LoggedModelStatus.READY.to_proto()
    assert model.source_run_id == run.info.run_id
    assert model.experiment_id == run.info.experiment_id
    assert model.artifact_location.endswith(f"/models/{model_id}/artifacts")
    assert model.params == {"n": "3"}
    assert model.tags.get("mlflow.user")
    by_key = {m.key: m for m in model.metrics}
    assert set(by_key) == {"train_loss", "val_acc", "val_loss"}
    assert by_key["train_loss"].value == 0.5 and by_key["train_loss"].step == 0
    assert by_key["val_acc"].value == 0.75 and by_key["val_acc"].step == 1
    assert by_key["val_acc"].run_id == run.info.run_id
    assert math.isnan(by_key["val_loss"].value)

    # The run keeps its own metrics and names the model among its outputs.
    logged_run = mlflow.get_run(run.info.run_id)
    assert set(logged_run.data.metrics) == {"train_loss", "val_acc", "val_loss", "unlinked"}
    assert [o.model_id for o in logged_run.outputs.model_outputs] == [model_id]

    # Loaded back through both URI forms: the files went through the artifact proxy.
    for uri in (info.model_uri, f"runs:/{run.info.run_id}/adder"):
        loaded = mlflow.pyfunc.load_model(uri)
        assert list(loaded.predict([1, 2])) == [4, 5]
    names = {f.path for f in mlflow.MlflowClient().list_logged_model_artifacts(model_id)}
    assert {"MLmodel", "python_model.pkl", "requirements.txt"} <= names
    local = mlflow.artifacts.download_artifacts(info.model_uri, dst_path=str(tmp_path))
    assert "python_function" in (tmp_path / "MLmodel").read_text(), local


def test_logged_model_api(server_url, exp_name):
    experiment_id = mlflow.create_experiment(exp_name)
    mlflow.set_experiment(experiment_id=experiment_id)
    model = mlflow.initialize_logged_model(name="checkpoint", model_type="agent", tags={"team": "vision"})
    assert model.status.to_proto() == mlflow.entities.LoggedModelStatus.PENDING.to_proto()
    mlflow.log_model_params({"lr": "0.01", "layers": "4"}, model_id=model.model_id)
    mlflow.set_logged_model_tags(model.model_id, {"stage": "dev", "owner": "me"})
    mlflow.delete_logged_model_tag(model.model_id, "owner")
    done = mlflow.finalize_logged_model(model.model_id, "READY")
    assert done.status.to_proto() == mlflow.entities.LoggedModelStatus.READY.to_proto()

    other = mlflow.initialize_logged_model(name="draft")
    mlflow.finalize_logged_model(other.model_id, "FAILED")

    read = mlflow.get_logged_model(model.model_id)
    assert read.model_type == "agent"
    assert read.params == {"lr": "0.01", "layers": "4"}
    # The client adds its context tags (mlflow.user, mlflow.source.*) to ours.
    assert {k: v for k, v in read.tags.items() if not k.startswith("mlflow.")} == {"team": "vision", "stage": "dev"}
    assert read.tags.get("mlflow.user")

    found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="name = 'checkpoint'", output_format="list")
    assert [m.model_id for m in found] == [model.model_id]
    ready = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="status = 'READY' AND params.lr = '0.01'", output_format="list")
    assert [m.model_id for m in ready] == [model.model_id]
    newest_first = mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")
    assert [m.model_id for m in newest_first] == [other.model_id, model.model_id]
    by_name = mlflow.search_logged_models(
        experiment_ids=[experiment_id], order_by=[{"field_name": "name", "ascending": True}], output_format="list"
    )
    assert [m.name for m in by_name] == ["checkpoint", "draft"]

    client = mlflow.MlflowClient()
    client.delete_logged_model(other.model_id)
    with pytest.raises(MlflowException) as excinfo:
        mlflow.get_logged_model(other.model_id)
    assert_error_code(excinfo, "RESOURCE_DOES_NOT_EXIST")
    assert [m.model_id for m in mlflow.search_logged_models(experiment_ids=[experiment_id], output_format="list")] == [model.model_id]


def test_a_model_keeps_every_point_linked_to_it(server_url, exp_name):
    experiment_id = mlflow.create_experiment(exp_name)
    with mlflow.start_run(experiment_id=experiment_id):
        improving = mlflow.initialize_logged_model(name="improving", experiment_id=experiment_id)
        flat = mlflow.initialize_logged_model(name="flat", experiment_id=experiment_id)
        for step, acc in enumerate([0.2, 0.6, 0.9]):
            mlflow.log_metric("acc", acc, step=step, model_id=improving.model_id)
        mlflow.log_metric("acc", 0.5, step=0, model_id=flat.model_id)

    points = [(m.step, m.value) for m in mlflow.get_logged_model(improving.model_id).metrics if m.key == "acc"]
    assert sorted(points) == [(0, 0.2), (1, 0.6), (2, 0.9)]
    # A filter matches any point of the metric; an order uses the latest one.
    found = mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.acc < 0.3", output_format="list")
    assert [m.name for m in found] == ["improving"]
    ordered = mlflow.search_logged_models(
        experiment_ids=[experiment_id], order_by=[{"field_name": "metrics.acc", "ascending": False}], output_format="list"
    )
    assert [m.name for m in ordered] == ["improving", "flat"]


def test_bad_logged_model_requests(server_url, exp_name):
    experiment_id = mlflow.create_experiment(exp_name)
    with pytest.raises(MlflowException) as excinfo:
        mlflow.MlflowClient().create_logged_model(experiment_id=experiment_id, name="bad/name")
    assert_error_code(excinfo, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as excinfo:
        mlflow.search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.acc LIKE 'x'", output_format="list")
    assert_error_code(excinfo, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as excinfo:
        mlflow.get_logged_model("m-" + "0" * 32)
    assert_error_code(excinfo, "RESOURCE_DOES_NOT_EXIST")

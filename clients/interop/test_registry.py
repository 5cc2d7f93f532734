"""The model registry through the official client: registering logged models and run files,
versions, stages, aliases, `models:/name@alias` URIs, search and deletion."""
import mlflow
import mlflow.pyfunc
import pytest
from mlflow.exceptions import MlflowException

from conftest import assert_error_code, unique


class Times(mlflow.pyfunc.PythonModel):
    def __init__(self, k):
        self.k = k

    def predict(self, context, model_input, params=None):
        return [x * self.k for x in model_input]


def test_register_deploy_by_alias_and_delete(server_url, exp_name):
    name = unique("reg")
    mlflow.set_experiment(exp_name)
    client = mlflow.MlflowClient()
    with mlflow.start_run() as run:
        first = mlflow.pyfunc.log_model(name="times", python_model=Times(2), registered_model_name=name)
    assert str(first.registered_model_version) == "1"
    with mlflow.start_run():
        second = mlflow.pyfunc.log_model(name="times", python_model=Times(3))
    registered = mlflow.register_model(second.model_uri, name)
    assert registered.version == "2"

    client.set_registered_model_alias(name, "champion", "1")
    client.update_registered_model(name, description="multiplies")
    client.set_registered_model_tag(name, "team", "vision")
    client.set_model_version_tag(name, "2", "validated", "yes")

    assert list(mlflow.pyfunc.load_model(f"models:/{name}@champion").predict([1, 2])) == [2, 4]
    assert list(mlflow.pyfunc.load_model(f"models:/{name}/2").predict([1, 2])) == [3, 6]

    champion = client.get_model_version_by_alias(name, "champion")
    assert champion.version == "1" and champion.run_id == run.info.run_id
    assert champion.source == f"models:/{first.model_id}"
    model = client.get_registered_model(name)
    assert model.description == "multiplies" and model.tags == {"team": "vision"}
    assert model.aliases == {"champion": "1"}
    assert [v.version for v in model.latest_versions] == ["2"]
    versions = client.search_model_versions(f"name = '{name}'")
    assert [v.version for v in versions] == ["2", "1"]
    assert versions[0].tags == {"validated": "yes"}
    assert name in [m.name for m in client.search_registered_models(filter_string=f"name = '{name}'")]

    # The logged model lists where it was registered.
    assert name in mlflow.get_logged_model(first.model_id).tags.get("mlflow.modelVersions", "")

    client.delete_registered_model_alias(name, "champion")
    with pytest.raises(MlflowException) as excinfo:
        client.get_model_version_by_alias(name, "champion")
    assert_error_code(excinfo, "INVALID_PARAMETER_VALUE")
    client.delete_model_version(name, "1")
    assert [v.version for v in client.search_model_versions(f"name = '{name}'")] == ["2"]
    client.delete_registered_model(name)
    with pytest.raises(MlflowException) as excinfo:
        client.get_registered_model(name)
    assert_error_code(excinfo, "RESOURCE_DOES_NOT_EXIST")


def test_register_run_files_and_stages(server_url, exp_name, tmp_path):
    name = unique("files")
    mlflow.set_experiment(exp_name)
    client = mlflow.MlflowClient()
    (tmp_path / "weights.bin").write_bytes(b"\x00\x01weights")
    with mlflow.start_run() as run:
        mlflow.log_artifact(str(tmp_path / "weights.bin"), "model_files")
    client.create_registered_model(name)
    version = client.create_model_version(name, f"{run.info.artifact_uri}/model_files", run_id=run.info.run_id, description="v1")
    assert version.version == "1" and version.status == "READY"
    staged = client.transition_model_version_stage(name, "1", "Staging")
    assert staged.current_stage == "Staging"
    assert [v.version for v in client.get_latest_versions(name, stages=["Staging"])] == ["1"]
    local = mlflow.artifacts.download_artifacts(client.get_model_version_download_uri(name, "1"), dst_path=str(tmp_path / "out"))
    assert (tmp_path / "out" / "model_files" / "weights.bin").read_bytes() == b"\x00\x01weights", local

    renamed = unique("renamed")
    client.rename_registered_model(name, renamed)
    assert client.get_model_version(renamed, "1").current_stage == "Staging"
    with pytest.raises(MlflowException) as excinfo:
        client.create_registered_model(renamed)
    assert_error_code(excinfo, "RESOURCE_ALREADY_EXISTS")
    client.delete_registered_model(renamed)


def test_copy_a_version_to_another_model(server_url, exp_name):
    source, target = unique("staging"), unique("prod")
    mlflow.set_experiment(exp_name)
    client = mlflow.MlflowClient()
    with mlflow.start_run() as run:
        mlflow.pyfunc.log_model(name="times", python_model=Times(5), registered_model_name=source)
    copied = client.copy_model_version(f"models:/{source}/1", target)
    assert copied.version == "1" and copied.source == f"models:/{source}/1"
    assert copied.run_id == run.info.run_id
    assert list(mlflow.pyfunc.load_model(f"models:/{target}/1").predict([1])) == [5]
    assert list(mlflow.pyfunc.load_model(f"models:/{target}/latest").predict([2])) == [10]
    client.delete_registered_model(target)
    client.delete_registered_model(source)


def test_sources_the_server_refuses(server_url, exp_name, tmp_path):
    name = unique("refused")
    mlflow.set_experiment(exp_name)
    client = mlflow.MlflowClient()
    client.create_registered_model(name)
    with mlflow.start_run() as run:
        mlflow.log_text("x", "model/file.txt")
    for source in ["/etc/passwd", f"{run.info.artifact_uri}/../../../x"]:
        with pytest.raises(MlflowException) as excinfo:
            client.create_model_version(name, source, run_id=run.info.run_id)
        assert_error_code(excinfo, "INVALID_PARAMETER_VALUE")
    client.delete_registered_model(name)

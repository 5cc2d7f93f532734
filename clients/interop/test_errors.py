"""Errors the client must see with the right error_code (it builds MlflowException from it)."""
import mlflow
import pytest
from mlflow.exceptions import MlflowException

from conftest import assert_error_code, unique

MISSING_RUN = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def run_id(client, exp_name):
    return client.create_run(client.create_experiment(exp_name)).info.run_id


def test_changing_a_param_value_is_rejected(client, run_id):
    client.log_param(run_id, "y", "a")
    client.log_param(run_id, "y", "a")  # same value again is fine
    with pytest.raises(MlflowException) as e:
        client.log_param(run_id, "y", "b")
    assert_error_code(e, "INVALID_PARAMETER_VALUE")
    assert client.get_run(run_id).data.params == {"y": "a"}


def test_changing_a_param_value_via_fluent_api(exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run():
        mlflow.log_param("p", 1)
        with pytest.raises(MlflowException) as e:
            mlflow.log_param("p", 2)
        assert_error_code(e, "INVALID_PARAMETER_VALUE")
        with pytest.raises(MlflowException) as e:
            mlflow.log_params({"p": 3, "q": 4})
        assert_error_code(e, "INVALID_PARAMETER_VALUE")


def test_get_missing_run(client):
    with pytest.raises(MlflowException) as e:
        client.get_run(MISSING_RUN)
    assert_error_code(e, "RESOURCE_DOES_NOT_EXIST")


def test_missing_run_everywhere(client):
    for call in (
        lambda: client.log_metric(MISSING_RUN, "m", 1.0),
        lambda: client.log_param(MISSING_RUN, "p", "v"),
        lambda: client.set_tag(MISSING_RUN, "t", "v"),
        lambda: client.log_batch(MISSING_RUN, params=[mlflow.entities.Param("p", "v")]),
        lambda: client.delete_run(MISSING_RUN),
        lambda: client.restore_run(MISSING_RUN),
        lambda: client.update_run(MISSING_RUN, name="x"),
        lambda: client.list_artifacts(MISSING_RUN),
    ):
        with pytest.raises(MlflowException) as e:
            call()
        assert_error_code(e, "RESOURCE_DOES_NOT_EXIST")


def test_metric_history_of_missing_run(client):
    # Real MLflow answers an empty history for an unknown run; a 404 is also acceptable.
    try:
        assert client.get_metric_history(MISSING_RUN, "m") == []
    except MlflowException as e:
        assert e.error_code == "RESOURCE_DOES_NOT_EXIST", e


def test_get_experiment_by_name_missing_is_none(client):
    assert client.get_experiment_by_name(unique("missing")) is None
    assert mlflow.get_experiment_by_name(unique("missing")) is None


def test_get_missing_experiment(client):
    with pytest.raises(MlflowException) as e:
        client.get_experiment("987654321")
    assert_error_code(e, "RESOURCE_DOES_NOT_EXIST")
    with pytest.raises(MlflowException) as e:
        client.delete_experiment("987654321")
    assert_error_code(e, "RESOURCE_DOES_NOT_EXIST")


def test_duplicate_experiment(client, exp_name):
    client.create_experiment(exp_name)
    with pytest.raises(MlflowException) as e:
        client.create_experiment(exp_name)
    assert_error_code(e, "RESOURCE_ALREADY_EXISTS")


def test_duplicate_of_deleted_experiment(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException) as e:
        client.create_experiment(exp_name)
    assert_error_code(e, "RESOURCE_ALREADY_EXISTS")


def test_empty_experiment_name(client):
    with pytest.raises(MlflowException) as e:
        client.create_experiment("")
    assert_error_code(e, "INVALID_PARAMETER_VALUE")


def test_logging_to_deleted_run(client, run_id):
    client.delete_run(run_id)
    for call in (
        lambda: client.log_metric(run_id, "x", 1.0),
        lambda: client.log_param(run_id, "p", "v"),
        lambda: client.set_tag(run_id, "t", "v"),
        lambda: client.log_batch(run_id, params=[mlflow.entities.Param("b", "1")]),
    ):
        with pytest.raises(MlflowException) as e:
            call()
        assert_error_code(e, "INVALID_PARAMETER_VALUE")
    client.restore_run(run_id)
    client.log_metric(run_id, "x", 1.0)
    assert client.get_run(run_id).data.metrics == {"x": 1.0}


def test_create_run_in_deleted_experiment(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException) as e:
        client.create_run(exp_id)
    assert_error_code(e, "INVALID_PARAMETER_VALUE")


def test_delete_missing_tag(client, run_id):
    with pytest.raises(MlflowException) as e:
        client.delete_tag(run_id, "never-set")
    assert_error_code(e, "RESOURCE_DOES_NOT_EXIST")


@pytest.mark.parametrize("key", ["bad key!*", "../escape", "/abs", "a//b"])
def test_invalid_metric_and_param_keys(client, run_id, key):
    with pytest.raises(MlflowException) as e:
        client.log_metric(run_id, key, 1.0)
    assert_error_code(e, "INVALID_PARAMETER_VALUE")
    with pytest.raises(MlflowException) as e:
        client.log_param(run_id, key, "1")
    assert_error_code(e, "INVALID_PARAMETER_VALUE")


def test_valid_odd_keys(client, run_id):
    keys = ["with space", "a/b/c", "dots.and-dashes", "colon:ok", "ünïcödé_ß"]
    for i, k in enumerate(keys):
        client.log_metric(run_id, k, float(i), timestamp=1_700_000_000_000)
        client.log_param(run_id, k, str(i))
        client.set_tag(run_id, k, str(i))
    run = client.get_run(run_id)
    assert run.data.metrics == {k: float(i) for i, k in enumerate(keys)}
    assert run.data.params == {k: str(i) for i, k in enumerate(keys)}
    for i, k in enumerate(keys):
        assert run.data.tags[k] == str(i)


def test_experiment_name_too_long(client):
    with pytest.raises(MlflowException) as e:
        client.create_experiment("x" * 501)
    assert_error_code(e, "INVALID_PARAMETER_VALUE")
    name = unique("y" * 480)
    assert len(name) == 493
    assert client.get_experiment(client.create_experiment(name)).name == name

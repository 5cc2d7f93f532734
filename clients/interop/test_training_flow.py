"""A realistic training script written with the fluent API, then read back with MlflowClient."""
import math
import sys
import time

import mlflow
import pytest
from mlflow.entities import RunStatus
from mlflow.exceptions import MlflowException

from conftest import metric_value_matches, unique

T0 = 1_700_000_000_000  # explicit metric timestamps (ms)


def loss_value(i: int) -> float:
    if i == 13:
        return float("nan")
    if i == 42:
        return float("inf")
    if i == 77:
        return float("-inf")
    return 1.0 / (i + 1)


@pytest.fixture(scope="module")
def trained(server_url):
    """Runs the training flow once; the tests below check what the server kept."""
    name = unique("interop-training")
    out = {"exp_name": name}
    t_before = int(time.time() * 1000)

    exp = mlflow.set_experiment(name)  # creates it
    out["exp"] = exp
    out["exp_again"] = mlflow.set_experiment(name)  # finds it

    with mlflow.start_run(run_name="train-parent", description="parent run desc") as parent:
        out["parent_id"] = parent.info.run_id
        out["parent_start_info"] = parent.info
        mlflow.log_params({"lr": 0.01, "layers": 3, "optimizer": "adam"})
        mlflow.log_param("seed", 42)
        mlflow.set_tags({"team": "vision", "stage": 2, "note": "héllo wörld ✓"})
        for i in range(100):
            mlflow.log_metric("loss", loss_value(i), step=i, timestamp=T0 + 10 * i)
        for i in range(10):
            mlflow.log_metrics({"acc": i / 10, "f1 score": i / 20}, step=i)
        mlflow.log_metric("nan_last", 1.0, step=0)
        mlflow.log_metric("nan_last", float("nan"), step=1)
        mlflow.log_metric("inf_last", float("-inf"), step=0)
        mlflow.log_metric("inf_last", float("inf"), step=1)
        mlflow.log_metric("plain", 7)  # int value, step 0, client clock

        with mlflow.start_run(run_name="train-child", nested=True) as child:
            out["child_id"] = child.info.run_id
            mlflow.log_param("fold", "1")
            mlflow.log_metric("loss", 0.5, step=0)
    out["t_after"] = int(time.time() * 1000)
    out["t_before"] = t_before

    with pytest.raises(RuntimeError, match="boom"):
        with mlflow.start_run(run_name="train-fails") as failing:
            out["failed_id"] = failing.info.run_id
            mlflow.log_metric("loss", 1.0)
            raise RuntimeError("boom")

    killed = mlflow.start_run(run_name="train-killed")
    out["killed_id"] = killed.info.run_id
    mlflow.end_run(status="KILLED")
    out["t_end"] = int(time.time() * 1000)
    return out


def test_set_experiment_creates_then_finds(trained, client):
    exp = trained["exp"]
    assert exp.name == trained["exp_name"]
    assert exp.lifecycle_stage == "active"
    assert exp.experiment_id.isdigit() and exp.experiment_id != "0"
    assert exp.artifact_location == f"mlflow-artifacts:/{exp.experiment_id}"
    assert trained["exp_again"].experiment_id == exp.experiment_id
    got = client.get_experiment_by_name(trained["exp_name"])
    assert got.experiment_id == exp.experiment_id
    assert client.get_experiment(exp.experiment_id).name == trained["exp_name"]


def test_start_run_returns_running_run(trained):
    info = trained["parent_start_info"]
    assert info.status == "RUNNING"
    assert info.run_name == "train-parent"
    assert info.end_time is None
    assert len(info.run_id) == 32 and all(c in "0123456789abcdef" for c in info.run_id)
    assert info.experiment_id == trained["exp"].experiment_id
    assert info.artifact_uri == f"mlflow-artifacts:/{info.experiment_id}/{info.run_id}/artifacts"


def test_parent_run_info(trained, client):
    run = client.get_run(trained["parent_id"])
    info = run.info
    assert info.run_id == trained["parent_id"]
    assert info.experiment_id == trained["exp"].experiment_id
    assert info.run_name == "train-parent"
    assert info.status == "FINISHED"
    assert info.lifecycle_stage == "active"
    assert info.user_id == run.data.tags["mlflow.user"]
    assert trained["t_before"] - 1000 <= info.start_time <= info.end_time <= trained["t_after"] + 1000


def test_parent_run_params_and_tags(trained, client):
    run = client.get_run(trained["parent_id"])
    assert run.data.params == {"lr": "0.01", "layers": "3", "optimizer": "adam", "seed": "42"}
    tags = run.data.tags
    assert tags["mlflow.runName"] == "train-parent"
    assert tags["mlflow.user"]
    assert tags["mlflow.source.name"] == sys.argv[0]
    assert tags["mlflow.source.type"] == "LOCAL"
    assert tags["mlflow.note.content"] == "parent run desc"
    assert tags["team"] == "vision"
    assert tags["stage"] == "2"
    assert tags["note"] == "héllo wörld ✓"
    assert "mlflow.parentRunId" not in tags


def test_latest_metrics_of_parent(trained, client):
    m = client.get_run(trained["parent_id"]).data.metrics
    assert set(m) == {"loss", "acc", "f1 score", "nan_last", "inf_last", "plain"}
    assert m["loss"] == 0.01  # step 99
    assert m["acc"] == 0.9
    assert m["f1 score"] == 0.45
    assert math.isnan(m["nan_last"])
    assert metric_value_matches(m["inf_last"], float("inf"))
    assert m["plain"] == 7.0


def test_metric_history_with_nan_and_inf(trained, client):
    hist = client.get_metric_history(trained["parent_id"], "loss")
    assert len(hist) == 100
    by_step = sorted(hist, key=lambda h: h.step)
    for i, h in enumerate(by_step):
        assert h.key == "loss"
        assert h.step == i
        assert h.timestamp == T0 + 10 * i
        assert metric_value_matches(h.value, loss_value(i)), (i, h.value, loss_value(i))


def test_log_metrics_dict_per_step_uses_client_clock(trained, client):
    for key, div in (("acc", 10), ("f1 score", 20)):
        hist = sorted(client.get_metric_history(trained["parent_id"], key), key=lambda h: h.step)
        assert [h.step for h in hist] == list(range(10))
        assert [h.value for h in hist] == [i / div for i in range(10)]
        for h in hist:
            assert trained["t_before"] - 1000 <= h.timestamp <= trained["t_after"] + 1000
    plain = client.get_metric_history(trained["parent_id"], "plain")
    assert [(p.value, p.step) for p in plain] == [(7.0, 0)]


def test_nested_child_run(trained, client):
    child = client.get_run(trained["child_id"])
    assert child.info.status == "FINISHED"
    assert child.info.experiment_id == trained["exp"].experiment_id
    assert child.data.tags["mlflow.parentRunId"] == trained["parent_id"]
    assert child.data.tags["mlflow.runName"] == "train-child"
    assert child.data.params == {"fold": "1"}
    assert child.data.metrics == {"loss": 0.5}
    parent = mlflow.get_parent_run(trained["child_id"])
    assert parent is not None and parent.info.run_id == trained["parent_id"]
    assert mlflow.get_parent_run(trained["parent_id"]) is None
    kids = mlflow.search_runs(
        experiment_ids=[trained["exp"].experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{trained['parent_id']}'", output_format="list")
    assert [r.info.run_id for r in kids] == [trained["child_id"]]


def test_failed_run_is_marked_failed(trained, client):
    run = client.get_run(trained["failed_id"])
    assert run.info.status == "FAILED"
    assert run.info.end_time is not None and run.info.end_time >= run.info.start_time
    assert run.data.metrics == {"loss": 1.0}


def test_killed_run(trained, client):
    run = client.get_run(trained["killed_id"])
    assert run.info.status == "KILLED"
    assert RunStatus.from_string(run.info.status) == RunStatus.KILLED
    assert run.info.end_time is not None
    assert run.info.end_time <= trained["t_end"] + 1000


def test_runs_listed_in_experiment(trained, client):
    runs = client.search_runs([trained["exp"].experiment_id])
    names = sorted(r.info.run_name for r in runs)
    assert names == ["train-child", "train-fails", "train-killed", "train-parent"]
    # default order: start_time DESC
    starts = [r.info.start_time for r in runs]
    assert starts == sorted(starts, reverse=True)


def test_mlflow_get_run_and_last_active_run(trained):
    run = mlflow.get_run(trained["killed_id"])
    assert run.info.run_name == "train-killed"
    last = mlflow.last_active_run()
    assert last is not None and last.info.run_id == trained["killed_id"]


def test_default_experiment_exists(client):
    exp = client.get_experiment("0")
    assert exp.name == "Default"
    assert exp.artifact_location == "mlflow-artifacts:/0"
    assert client.get_experiment_by_name("Default").experiment_id == "0"


def test_log_to_run_in_default_experiment(client):
    run = client.create_run("0", run_name=unique("default-exp-run"))
    try:
        client.log_metric(run.info.run_id, "m", 1.5, step=3, timestamp=T0)
        got = client.get_run(run.info.run_id)
        assert got.info.experiment_id == "0"
        assert got.info.artifact_uri == f"mlflow-artifacts:/0/{run.info.run_id}/artifacts"
        assert got.data.metrics == {"m": 1.5}
    finally:
        client.set_terminated(run.info.run_id)
    assert client.get_run(run.info.run_id).info.status == "FINISHED"


def test_client_create_run_user_and_tags(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    run = client.create_run(exp_id, run_name="via-client", tags={"k": "v", "n": "5"})
    assert run.info.status == "RUNNING"
    got = client.get_run(run.info.run_id)
    assert got.data.tags["k"] == "v"
    assert got.data.tags["n"] == "5"
    assert got.data.tags["mlflow.runName"] == "via-client"
    assert got.info.run_name == "via-client"
    client.set_terminated(run.info.run_id, status="FINISHED", end_time=T0 + 5)
    got = client.get_run(run.info.run_id)
    assert got.info.status == "FINISHED"
    assert got.info.end_time == T0 + 5


def test_run_without_name_gets_generated_name(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    run = client.create_run(exp_id)
    name = run.info.run_name
    assert name, "server must generate a run name"
    got = client.get_run(run.info.run_id)
    assert got.info.run_name == name
    assert got.data.tags["mlflow.runName"] == name


def test_set_deleted_experiment_is_refused_by_client(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    client.delete_experiment(exp_id)
    with pytest.raises(MlflowException, match="Cannot set a deleted experiment"):
        mlflow.set_experiment(exp_name)

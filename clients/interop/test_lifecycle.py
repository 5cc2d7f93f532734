"""Soft delete / restore of runs and experiments, renames, tags, run updates, resuming."""
import time

import mlflow
import pytest
from mlflow.entities import ViewType

from conftest import unique

T0 = 1_700_000_000_000


def ids(runs):
    return {r.info.run_id for r in runs}


@pytest.fixture
def exp_id(client, exp_name):
    return client.create_experiment(exp_name)


def test_delete_and_restore_run(client, exp_id):
    keep = client.create_run(exp_id, run_name="keep").info.run_id
    gone = client.create_run(exp_id, run_name="gone").info.run_id
    client.log_metric(gone, "acc", 0.9, timestamp=T0)

    client.delete_run(gone)
    run = client.get_run(gone)  # still readable
    assert run.info.lifecycle_stage == "deleted"
    assert run.data.metrics == {"acc": 0.9}
    assert ids(client.search_runs([exp_id])) == {keep}
    assert ids(client.search_runs([exp_id], run_view_type=ViewType.ACTIVE_ONLY)) == {keep}
    assert ids(client.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)) == {gone}
    assert ids(client.search_runs([exp_id], run_view_type=ViewType.ALL)) == {keep, gone}
    assert ids(client.search_runs([exp_id], "metrics.acc > 0.5", run_view_type=ViewType.ALL)) == {gone}
    assert ids(client.search_runs([exp_id], "metrics.acc > 0.5")) == set()

    client.restore_run(gone)
    assert client.get_run(gone).info.lifecycle_stage == "active"
    assert ids(client.search_runs([exp_id])) == {keep, gone}
    assert client.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY) == []


def test_delete_experiment_cascades_to_runs_and_restore_brings_them_back(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    r1 = client.create_run(exp_id).info.run_id
    r2 = client.create_run(exp_id).info.run_id

    client.delete_experiment(exp_id)
    exp = client.get_experiment(exp_id)
    assert exp.lifecycle_stage == "deleted"
    assert client.get_experiment_by_name(exp_name).lifecycle_stage == "deleted"
    assert client.get_run(r1).info.lifecycle_stage == "deleted"
    assert client.get_run(r2).info.lifecycle_stage == "deleted"
    assert client.search_runs([exp_id]) == []
    assert ids(client.search_runs([exp_id], run_view_type=ViewType.DELETED_ONLY)) == {r1, r2}
    active = [e.experiment_id for e in client.search_experiments(filter_string=f"name = '{exp_name}'")]
    assert active == []
    deleted = client.search_experiments(
        view_type=ViewType.DELETED_ONLY, filter_string=f"name = '{exp_name}'")
    assert [e.experiment_id for e in deleted] == [exp_id]

    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"
    assert client.get_run(r1).info.lifecycle_stage == "active"
    assert ids(client.search_runs([exp_id])) == {r1, r2}


def test_rename_experiment(client, exp_name):
    exp_id = client.create_experiment(exp_name)
    before = client.get_experiment(exp_id)
    time.sleep(0.01)
    client.rename_experiment(exp_id, exp_name + "-renamed")
    after = client.get_experiment(exp_id)
    assert after.name == exp_name + "-renamed"
    assert after.last_update_time >= before.last_update_time
    assert after.creation_time == before.creation_time
    assert client.get_experiment_by_name(exp_name) is None
    assert client.get_experiment_by_name(exp_name + "-renamed").experiment_id == exp_id


def test_experiment_tags(client, exp_name):
    exp_id = client.create_experiment(exp_name, tags={"owner": "qa", "purpose": "interop"})
    assert client.get_experiment(exp_id).tags == {"owner": "qa", "purpose": "interop"}
    client.set_experiment_tag(exp_id, "stage", "dev")
    client.set_experiment_tag(exp_id, "owner", "ml")  # upsert
    assert client.get_experiment(exp_id).tags == {"owner": "ml", "purpose": "interop", "stage": "dev"}
    client.delete_experiment_tag(exp_id, "purpose")
    assert client.get_experiment(exp_id).tags == {"owner": "ml", "stage": "dev"}
    found = client.search_experiments(filter_string=f"tags.stage = 'dev' and name = '{exp_name}'")
    assert [e.experiment_id for e in found] == [exp_id]


def test_fluent_set_experiment_tag(exp_name, client):
    exp = mlflow.set_experiment(exp_name)
    mlflow.set_experiment_tag("via", "fluent")
    mlflow.set_experiment_tags({"a": "1", "b": 2})
    assert client.get_experiment(exp.experiment_id).tags == {"via": "fluent", "a": "1", "b": "2"}


def test_search_experiments(client):
    prefix = unique("interop-sx")
    made = [client.create_experiment(f"{prefix}-{i}") for i in range(5)]
    client.create_experiment(unique("interop-unrelated"))

    found = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'")
    assert sorted(e.experiment_id for e in found) == sorted(made)
    # default order: creation_time DESC, experiment_id ASC
    assert [e.experiment_id for e in found] == sorted(made, key=lambda i: (-client.get_experiment(i).creation_time, int(i)))

    by_name = client.search_experiments(filter_string=f"name LIKE '{prefix}%'", order_by=["name DESC"])
    assert [e.name for e in by_name] == [f"{prefix}-{i}" for i in reversed(range(5))]

    pages, token = [], None
    while True:
        page = client.search_experiments(
            filter_string=f"name LIKE '{prefix}-%'", order_by=["name ASC"], max_results=2, page_token=token)
        pages.append([e.name for e in page])
        token = page.token
        if not token:
            break
    assert pages == [[f"{prefix}-0", f"{prefix}-1"], [f"{prefix}-2", f"{prefix}-3"], [f"{prefix}-4"]]

    assert client.search_experiments(filter_string=f"name = '{prefix}-3'")[0].experiment_id == made[3]
    ilike = client.search_experiments(filter_string=f"name ILIKE '{prefix.upper()}-%'")
    assert len(ilike) == 5
    default = client.search_experiments(filter_string="name = 'Default'")
    assert [e.experiment_id for e in default] == ["0"]


def test_delete_tag(client, exp_id):
    rid = client.create_run(exp_id, tags={"keep": "1", "drop": "2"}).info.run_id
    client.delete_tag(rid, "drop")
    tags = client.get_run(rid).data.tags
    assert tags["keep"] == "1"
    assert "drop" not in tags
    assert ids(client.search_runs([exp_id], "tags.drop = '2'")) == set()


def test_overwrite_tag(client, exp_id):
    rid = client.create_run(exp_id).info.run_id
    client.set_tag(rid, "t", "one")
    client.set_tag(rid, "t", "two")
    assert client.get_run(rid).data.tags["t"] == "two"


def test_update_run_name_rewrites_run_name_tag(client, exp_id):
    rid = client.create_run(exp_id, run_name="before").info.run_id
    client.update_run(rid, name="after")
    run = client.get_run(rid)
    assert run.info.run_name == "after"
    assert run.data.tags["mlflow.runName"] == "after"
    assert run.info.status == "RUNNING"
    assert ids(client.search_runs([exp_id], "attributes.run_name = 'after'")) == {rid}
    assert ids(client.search_runs([exp_id], "tags.mlflow.runName = 'after'")) == {rid}
    client.update_run(rid, status="FINISHED")
    run = client.get_run(rid)
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "after"


def test_set_tag_run_name_renames_run(client, exp_id):
    rid = client.create_run(exp_id, run_name="orig").info.run_id
    client.set_tag(rid, "mlflow.runName", "via-tag")
    assert client.get_run(rid).info.run_name == "via-tag"


def test_resume_run_by_id(client, exp_name):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run(run_name="resumable") as run:
        rid = run.info.run_id
        mlflow.log_metric("m", 1.0, step=0)
    first = client.get_run(rid)
    assert first.info.status == "FINISHED"

    with mlflow.start_run(run_id=rid) as resumed:
        assert resumed.info.run_id == rid
        assert client.get_run(rid).info.status == "RUNNING"
        mlflow.log_metric("m", 2.0, step=1)
        mlflow.log_param("resumed", "yes")
    after = client.get_run(rid)
    assert after.info.status == "FINISHED"
    assert after.info.end_time >= first.info.end_time
    assert after.info.start_time == first.info.start_time
    assert after.info.run_name == "resumable"
    assert after.data.metrics == {"m": 2.0}
    assert after.data.params == {"resumed": "yes"}
    assert [m.value for m in sorted(client.get_metric_history(rid, "m"), key=lambda m: m.step)] == [1.0, 2.0]


def test_experiment_lookup_after_many_operations(client, exp_name):
    exp_id = client.create_experiment(exp_name, artifact_location=None)
    exp = client.get_experiment_by_name(exp_name)
    assert exp.experiment_id == exp_id
    assert exp.lifecycle_stage == "active"
    assert exp.creation_time and exp.last_update_time
    assert exp.creation_time <= exp.last_update_time

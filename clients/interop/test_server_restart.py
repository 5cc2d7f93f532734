"""Everything survives a graceful restart of `track server` on the same data dir."""
import hashlib
import math
import os

import mlflow
from mlflow.entities import Metric, ViewType

T0 = 1_700_000_000_000


def test_data_persists_across_restart(track_server_factory, tmp_path):
    data_dir = tmp_path / "data"
    blob = os.urandom(50_000)
    src = tmp_path / "blob.bin"
    src.write_bytes(blob)
    previous_uri = mlflow.get_tracking_uri()

    first = track_server_factory(data_dir)
    try:
        mlflow.set_tracking_uri(first.url)
        c1 = mlflow.MlflowClient(first.url)
        assert c1.get_experiment("0").name == "Default"
        exp_id = c1.create_experiment("persist-exp", tags={"owner": "qa"})
        run = c1.create_run(exp_id, run_name="persist-run", start_time=T0, tags={"team": "vision"})
        rid = run.info.run_id
        c1.log_batch(
            rid,
            metrics=[Metric("loss", 1.0 / (i + 1), T0 + i, i) for i in range(500)]
            + [Metric("odd", float("nan"), T0, 0), Metric("odd", float("inf"), T0, 1)],
        )
        c1.log_param(rid, "lr", "0.01")
        c1.log_artifact(rid, str(src), artifact_path="blobs")
        c1.set_terminated(rid, status="FINISHED", end_time=T0 + 999)
        deleted = c1.create_run(exp_id, run_name="deleted-run").info.run_id
        c1.delete_run(deleted)
        gone_exp = c1.create_experiment("persist-deleted-exp")
        c1.delete_experiment(gone_exp)
        before = c1.get_run(rid)
    finally:
        mlflow.set_tracking_uri(previous_uri)
    first.stop(check=True)

    # Same port, as a user restarting the server would (the client also caches artifact
    # repositories per run id, including the host they point at).
    second = track_server_factory(data_dir, port=first.port)
    try:
        mlflow.set_tracking_uri(second.url)
        c2 = mlflow.MlflowClient(second.url)
        exp = c2.get_experiment_by_name("persist-exp")
        assert exp.experiment_id == exp_id
        assert exp.tags == {"owner": "qa"}
        assert c2.get_experiment(gone_exp).lifecycle_stage == "deleted"

        after = c2.get_run(rid)
        assert after.info.to_proto() == before.info.to_proto()
        assert after.data.params == {"lr": "0.01"}
        assert after.data.tags == before.data.tags
        assert after.data.metrics["loss"] == 1.0 / 500
        hist = sorted((m.step, m.timestamp, m.value) for m in c2.get_metric_history(rid, "loss"))
        assert hist == [(i, T0 + i, 1.0 / (i + 1)) for i in range(500)]
        odd = sorted(c2.get_metric_history(rid, "odd"), key=lambda m: m.step)
        assert math.isnan(odd[0].value) and odd[1].value in (math.inf, 1.7976931348623157e308)

        assert c2.get_run(deleted).info.lifecycle_stage == "deleted"
        assert {r.info.run_id for r in c2.search_runs([exp_id], run_view_type=ViewType.ALL)} == {rid, deleted}
        assert [r.info.run_id for r in c2.search_runs([exp_id], "params.lr = '0.01'")] == [rid]

        assert [(f.path, f.file_size) for f in c2.list_artifacts(rid, "blobs")] == [("blobs/blob.bin", len(blob))]
        local = mlflow.artifacts.download_artifacts(
            run_id=rid, artifact_path="blobs/blob.bin", dst_path=str(tmp_path / "dl"),
            tracking_uri=second.url)
        with open(local, "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == hashlib.sha256(blob).hexdigest()

        # new ids keep counting up and don't collide with old ones
        new_exp = c2.create_experiment("persist-exp-2")
        assert int(new_exp) > int(gone_exp) > int(exp_id)
        new_run = c2.create_run(new_exp).info.run_id
        assert new_run not in (rid, deleted)
    finally:
        mlflow.set_tracking_uri(previous_uri)
    second.stop(check=True)

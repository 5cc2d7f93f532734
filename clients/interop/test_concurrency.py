"""Several writers at once, async logging, and big artifacts, as real training jobs produce."""
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mlflow
import pytest
from mlflow.entities import Metric

T0 = 1_700_000_000_000


@pytest.fixture
def exp_id(client, exp_name):
    return client.create_experiment(exp_name)


def test_parallel_writers(server_url, exp_id):
    """8 threads, each with its own client and run, plus all of them on one shared run."""
    shared = mlflow.MlflowClient(server_url).create_run(exp_id, run_name="shared").info.run_id

    def worker(w):
        c = mlflow.MlflowClient(server_url)
        rid = c.create_run(exp_id, run_name=f"worker-{w}").info.run_id
        for i in range(40):
            c.log_metric(rid, "m", float(i), timestamp=T0 + i, step=i)
            c.log_metric(shared, f"w{w}", float(i), timestamp=T0 + i, step=i)
        c.log_param(rid, "worker", str(w))
        c.log_batch(shared, metrics=[Metric("batch", float(w * 1000 + j), T0 + j, w * 1000 + j) for j in range(100)])
        c.set_terminated(rid)
        return rid

    with ThreadPoolExecutor(max_workers=8) as pool:
        rids = list(pool.map(worker, range(8)))

    c = mlflow.MlflowClient(server_url)
    assert len(set(rids)) == 8
    for w, rid in enumerate(rids):
        run = c.get_run(rid)
        assert run.info.status == "FINISHED"
        assert run.data.params == {"worker": str(w)}
        assert run.data.metrics == {"m": 39.0}
        assert sorted(m.step for m in c.get_metric_history(rid, "m")) == list(range(40))
    shared_run = c.get_run(shared)
    assert shared_run.data.metrics == {**{f"w{w}": 39.0 for w in range(8)}, "batch": 7099.0}
    assert len(c.get_metric_history(shared, "batch")) == 800
    found = c.search_runs([exp_id], "params.worker = '3'")
    assert [r.info.run_id for r in found] == [rids[3]]


def test_async_logging(exp_name, client):
    mlflow.set_experiment(exp_name)
    with mlflow.start_run() as run:
        for i in range(300):
            mlflow.log_metric("async_m", i * 0.5, step=i, synchronous=False)
        mlflow.log_params({"a": "1", "b": "2"}, synchronous=False)
        mlflow.set_tags({"t": "async"}, synchronous=False)
        mlflow.flush_async_logging()
    got = client.get_run(run.info.run_id)
    assert got.data.metrics == {"async_m": 149.5}
    assert got.data.params == {"a": "1", "b": "2"}
    assert got.data.tags["t"] == "async"
    assert sorted(m.step for m in client.get_metric_history(run.info.run_id, "async_m")) == list(range(300))


def test_large_artifact_round_trip(client, exp_id, tmp_path):
    """A 40 MiB file (model weights): no upload size limit may get in the way."""
    rid = client.create_run(exp_id).info.run_id
    src = tmp_path / "model.bin"
    chunk = os.urandom(1 << 20)
    h = hashlib.sha256()
    with open(src, "wb") as f:
        for i in range(40):
            block = bytes([i]) + chunk[1:]
            f.write(block)
            h.update(block)
    client.log_artifact(rid, str(src), artifact_path="weights")
    assert [(a.path, a.file_size) for a in client.list_artifacts(rid, "weights")] == [
        ("weights/model.bin", 40 << 20)]
    local = mlflow.artifacts.download_artifacts(
        run_id=rid, artifact_path="weights/model.bin", dst_path=str(tmp_path / "dl"))
    got = hashlib.sha256()
    with open(local, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            got.update(block)
    assert Path(local).stat().st_size == 40 << 20
    assert got.hexdigest() == h.hexdigest()


def test_many_small_artifacts(client, exp_id, tmp_path):
    rid = client.create_run(exp_id).info.run_id
    d = tmp_path / "many"
    expected = {}
    for i in range(60):
        sub = d / f"dir{i % 6}"
        sub.mkdir(parents=True, exist_ok=True)
        data = f"file {i}\n".encode() * (i + 1)
        (sub / f"f{i:02d}.txt").write_bytes(data)
        expected[f"dir{i % 6}/f{i:02d}.txt"] = data
    client.log_artifacts(rid, str(d), artifact_path="many")
    local = Path(mlflow.artifacts.download_artifacts(run_id=rid, artifact_path="many", dst_path=str(tmp_path / "dl")))
    got = {p.relative_to(local).as_posix(): p.read_bytes() for p in local.rglob("*") if p.is_file()}
    assert got == expected

"""The README's promise: the client is standard library only, and plain `mlflow` keeps working beside it
on the same server, reading what the client wrote."""
from __future__ import annotations

import ast
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import track_client
from conftest import SOURCE_ROOT
from track_client import Tracker


def test_the_client_needs_only_the_standard_library(tmp_path):
    package = Path(track_client.__file__).resolve().parent
    imported = set()
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(), str(module))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    if hasattr(sys, "stdlib_module_names"):
        assert imported - {"__future__"} <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
    # Importable and usable with no site-packages at all.
    copy = tmp_path / "isolated"
    shutil.copytree(package, copy / "track_client")
    code = f"import sys; sys.path.insert(0, {str(copy)!r}); import track_client; print(track_client.Tracker.__name__)"
    out = subprocess.run([sys.executable, "-S", "-E", "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "Tracker", out.stderr
    pyproject = (SOURCE_ROOT / "pyproject.toml").read_text()
    assert re.search(r"^dependencies = \[\]$", pyproject, re.M), "the package declares dependencies"


def train_step(step: int):
    return 2.0 / (step + 1), 1 - 1.0 / (step + 2)


def test_plain_mlflow_beside_the_client(server, tmp_path, monkeypatch):
    """The README's two snippets, one after the other against one server: both runs are ordinary
    MLflow runs that `MlflowClient` reads and searches alike."""
    mlflow = pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    monkeypatch.chdir(tmp_path)
    Path("model.pt").write_bytes(b"\x00weights")

    with Tracker(experiment="spirals", run_name="lr-0.01", params={"lr": 0.01, "hidden": 64}, tags={"team": "vision"},
                 url=server.url, spool_dir=str(tmp_path / "spool")) as tracker:
        for step in range(300):
            loss, acc = train_step(step)
            tracker.log_metric("loss", loss, step=step)
            tracker.log_metrics({"acc": acc}, step=step)
        tracker.log_param("optimizer", "adam")
        tracker.log_artifact("model.pt", "checkpoints")

    mlflow.set_tracking_uri(server.url)
    mlflow.set_experiment("spirals")
    with mlflow.start_run(run_name="lr-0.01") as active:
        mlflow.log_params({"lr": 0.01, "hidden": 64})
        for step in range(300):
            loss, acc = train_step(step)
            mlflow.log_metric("loss", loss, step=step)
            mlflow.log_metric("acc", acc, step=step)
        mlflow.log_param("optimizer", "adam")
        mlflow.log_artifact("model.pt", "checkpoints")
    plain_id = active.info.run_id

    client = MlflowClient(server.url)
    experiment = client.get_experiment_by_name("spirals")
    found = client.search_runs([experiment.experiment_id], "params.lr = '0.01' and params.optimizer = 'adam'")
    assert {r.info.run_id for r in found} == {tracker.run_id, plain_id}
    ours, theirs = client.get_run(tracker.run_id), client.get_run(plain_id)
    for run in (ours, theirs):
        assert run.info.status == "FINISHED"
        assert run.info.run_name == "lr-0.01"
        assert run.data.params == {"lr": "0.01", "hidden": "64", "optimizer": "adam"}
        assert [f.path for f in client.list_artifacts(run.info.run_id, "checkpoints")] == ["checkpoints/model.pt"]
        assert math.isclose(run.data.metrics["loss"], train_step(299)[0])
    assert ours.data.tags["team"] == "vision"
    for key in ("loss", "acc"):
        mine = [(m.step, m.value) for m in client.get_metric_history(tracker.run_id, key)]
        plain = [(m.step, m.value) for m in client.get_metric_history(plain_id, key)]
        assert mine == plain and len(mine) == 300
    downloaded = client.download_artifacts(tracker.run_id, "checkpoints/model.pt", str(tmp_path))
    assert Path(downloaded).read_bytes() == b"\x00weights"

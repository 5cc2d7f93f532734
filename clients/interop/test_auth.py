"""The official mlflow client against `track server --auth`: users with passwords
(MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD), access tokens (MLFLOW_TRACKING_TOKEN), and
roles. Accounts are made the way an operator makes them: `track users add` and
`track tokens create` on the data folder before the server starts."""
from __future__ import annotations

import subprocess

import mlflow
import pytest
from mlflow.exceptions import MlflowException

from conftest import track_bin, unique

ADMIN = ("ada", "admin-password-1")
WRITER = ("wes", "writer-password-1")
READER = ("rita", "reader-password-1")


def track(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [str(track_bin()), *args], input=stdin, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"track {' '.join(args)} failed: {result.stderr}"
    return result.stdout


@pytest.fixture
def auth_server(track_server_factory, tmp_path):
    data = tmp_path / "data"
    for (name, password), role in [(ADMIN, "admin"), (WRITER, "writer"), (READER, "reader")]:
        track("users", "add", name, "--role", role, "--password-stdin", "--data-dir", str(data), stdin=password + "\n")
    token = track("tokens", "create", WRITER[0], "--name", "ci", "--data-dir", str(data)).strip()
    server = track_server_factory(data, extra_args=["--auth"])
    return server, token


def as_user(monkeypatch, name: str | None = None, password: str | None = None, token: str | None = None):
    for var in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    if name is not None:
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", name)
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)
    if token is not None:
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", token)


def log_a_run(client: mlflow.MlflowClient, tmp_path) -> str:
    experiment_id = client.create_experiment(unique("auth"))
    run = client.create_run(experiment_id, run_name="secured")
    run_id = run.info.run_id
    client.log_param(run_id, "lr", "0.01")
    for step in range(5):
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    notes = tmp_path / "notes.txt"
    notes.write_text("only for the team\n")
    client.log_artifact(run_id, str(notes), artifact_path="docs")
    client.set_terminated(run_id)
    return run_id


def test_a_writer_logs_a_whole_run_with_a_password(auth_server, monkeypatch, tmp_path):
    server, _ = auth_server
    as_user(monkeypatch, *WRITER)
    client = mlflow.MlflowClient(server.url)
    run_id = log_a_run(client, tmp_path)
    assert [m.value for m in client.get_metric_history(run_id, "loss")] == [1.0, 0.5, 1 / 3, 0.25, 0.2]
    downloaded = client.download_artifacts(run_id, "docs/notes.txt", str(tmp_path / "out"))
    assert open(downloaded).read() == "only for the team\n"


def test_an_access_token_works_as_mlflow_tracking_token(auth_server, monkeypatch, tmp_path):
    server, token = auth_server
    assert token.startswith("trk_")
    as_user(monkeypatch, token=token)
    client = mlflow.MlflowClient(server.url)
    run_id = log_a_run(client, tmp_path)
    assert client.get_run(run_id).data.params == {"lr": "0.01"}


def test_a_reader_reads_but_cannot_write(auth_server, monkeypatch, tmp_path):
    server, _ = auth_server
    as_user(monkeypatch, *WRITER)
    run_id = log_a_run(mlflow.MlflowClient(server.url), tmp_path)

    as_user(monkeypatch, *READER)
    reader = mlflow.MlflowClient(server.url)
    assert reader.get_run(run_id).data.metrics["loss"] == 0.2
    assert run_id in [r.info.run_id for r in reader.search_runs([reader.get_run(run_id).info.experiment_id])]
    assert [f.path for f in reader.list_artifacts(run_id, "docs")] == ["docs/notes.txt"]
    with pytest.raises(MlflowException) as refused:
        reader.log_metric(run_id, "loss", 0.1, step=6)
    assert refused.value.error_code == "PERMISSION_DENIED"
    with pytest.raises(MlflowException) as refused:
        reader.create_experiment(unique("not-allowed"))
    assert refused.value.error_code == "PERMISSION_DENIED"
    assert len(reader.get_metric_history(run_id, "loss")) == 5


@pytest.mark.parametrize("credentials", [None, ("wes", "wrong-password"), ("nobody", "writer-password-1")])
def test_missing_or_wrong_credentials_are_refused(auth_server, monkeypatch, credentials):
    server, _ = auth_server
    if credentials is None:
        as_user(monkeypatch)
    else:
        as_user(monkeypatch, *credentials)
    client = mlflow.MlflowClient(server.url)
    with pytest.raises(MlflowException) as refused:
        client.search_experiments()
    assert refused.value.error_code == "UNAUTHENTICATED"
    with pytest.raises(MlflowException):
        client.create_experiment(unique("not-allowed"))


def test_a_public_address_without_auth_is_refused(tmp_path):
    result = subprocess.run(
        [str(track_bin()), "server", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path / "d")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "--auth" in result.stderr and "--insecure-no-auth" in result.stderr


def test_auth_without_users_is_refused_with_the_command_to_run(tmp_path):
    result = subprocess.run(
        [str(track_bin()), "server", "--auth", "--port", "0", "--data-dir", str(tmp_path / "d")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "track users add" in result.stderr

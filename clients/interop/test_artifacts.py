"""Proxied artifacts: upload through the fluent API, list, download byte for byte, load."""
import hashlib
import json
import os
from pathlib import Path

import mlflow
import pytest
from mlflow.exceptions import MlflowException

from conftest import assert_error_code, unique

TEXT = "hello world\nsecond line ü ✓\n"
DICT = {"a": 1, "b": [1, 2, 3], "nested": {"name": "héllo", "ok": True, "none": None}}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_files(root: Path) -> dict:
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


@pytest.fixture(scope="module")
def logged(server_url, tmp_path_factory):
    """A run with artifacts logged every way the fluent API offers. Returns what was sent."""
    src = tmp_path_factory.mktemp("artifacts-src")
    rnd = os.urandom(300_000)  # several network chunks; every byte value
    expected = {}  # artifact path -> exact bytes

    # a directory tree for log_artifacts (root of the run's artifacts)
    tree = src / "tree"
    (tree / "data").mkdir(parents=True)
    (tree / "nested" / "deeper").mkdir(parents=True)
    (tree / "odd dir").mkdir()
    files = {
        "top.txt": b"top\n",
        "empty.txt": b"",  # 0 bytes: the client sends it chunked, without Content-Length
        "data/random.bin": rnd,
        "data/all-bytes.bin": bytes(range(256)) * 16,
        "nested/deeper/leaf.json": b'{"k": "v"}\n',
        "odd dir/my file \u00fc.txt": "odd name ü\n".encode("utf-8"),
    }
    for rel, data in files.items():
        (tree / rel).write_bytes(data)
    expected.update(files)

    report = src / "report.csv"
    report.write_bytes(b"col1,col2\n1,2\n3,4\n")
    weights = src / "weights.bin"
    weights.write_bytes(rnd[::-1][:4096])

    mlflow.set_experiment(unique("interop-artifacts"))
    with mlflow.start_run(run_name="artifacts") as run:
        mlflow.log_artifacts(str(tree))
        mlflow.log_artifact(str(report), artifact_path="sub/dir")
        mlflow.log_artifact(str(weights), artifact_path="sub")
        mlflow.log_text(TEXT, "notes/hello.txt")
        mlflow.log_dict(DICT, "config/params.json")
        mlflow.log_dict(DICT, "config/params.yaml")
        # the same tree again under a prefix, to check nested artifact_path uploads
        mlflow.log_artifacts(str(tree / "data"), artifact_path="copy/of data")
    expected["sub/dir/report.csv"] = report.read_bytes()
    expected["sub/weights.bin"] = weights.read_bytes()
    expected["notes/hello.txt"] = TEXT.encode("utf-8")
    expected["copy/of data/random.bin"] = rnd
    expected["copy/of data/all-bytes.bin"] = files["data/all-bytes.bin"]
    return {"run_id": run.info.run_id, "expected": expected}


def listing(client, run_id, path=None):
    return [(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id, path)]


def test_list_root(client, logged):
    got = listing(client, logged["run_id"])
    exp = logged["expected"]
    # MLflow omits file_size for empty files (the client then reports None); 0 is fine too.
    empty = [g for g in got if g[0] == "empty.txt"]
    assert len(empty) == 1 and empty[0][1] is False and empty[0][2] in (None, 0)
    got = [g for g in got if g[0] != "empty.txt"]
    assert got == [
        ("config", True, None),
        ("copy", True, None),
        ("data", True, None),
        ("nested", True, None),
        ("notes", True, None),
        ("odd dir", True, None),
        ("sub", True, None),
        ("top.txt", False, len(exp["top.txt"])),
    ]


def test_list_subdirectories(client, logged):
    rid, exp = logged["run_id"], logged["expected"]
    assert listing(client, rid, "sub") == [
        ("sub/dir", True, None),
        ("sub/weights.bin", False, len(exp["sub/weights.bin"])),
    ]
    assert listing(client, rid, "sub/dir") == [
        ("sub/dir/report.csv", False, len(exp["sub/dir/report.csv"])),
    ]
    assert listing(client, rid, "odd dir") == [
        ("odd dir/my file ü.txt", False, len("odd name ü\n".encode())),
    ]
    assert listing(client, rid, "nested") == [("nested/deeper", True, None)]
    assert listing(client, rid, "config") == [
        ("config/params.json", False, len(mlflow.artifacts.load_text(
            f"runs:/{rid}/config/params.json").encode())),
        ("config/params.yaml", False, len(mlflow.artifacts.load_text(
            f"runs:/{rid}/config/params.yaml").encode())),
    ]


def test_list_file_path_and_missing_dir_are_empty(client, logged):
    assert client.list_artifacts(logged["run_id"], "top.txt") == []
    assert client.list_artifacts(logged["run_id"], "sub/weights.bin") == []
    assert client.list_artifacts(logged["run_id"], "does/not/exist") == []


def test_fluent_list_artifacts(logged):
    paths = [f.path for f in mlflow.artifacts.list_artifacts(run_id=logged["run_id"], artifact_path="data")]
    assert paths == ["data/all-bytes.bin", "data/random.bin"]


def test_download_everything_byte_for_byte(logged, tmp_path):
    local = mlflow.artifacts.download_artifacts(run_id=logged["run_id"], dst_path=str(tmp_path))
    got = tree_files(Path(local))
    exp = logged["expected"]
    # log_dict's formatting is the client's business: compare those by content
    assert json.loads(got.pop("config/params.json")) == DICT
    assert got.pop("config/params.yaml").startswith(b"a: 1")
    assert sorted(got) == sorted(exp)
    for path, data in exp.items():
        assert len(got[path]) == len(data), path
        assert sha256(got[path]) == sha256(data), path


def test_download_single_file_and_subdir(client, logged, tmp_path):
    rid, exp = logged["run_id"], logged["expected"]
    p = mlflow.artifacts.download_artifacts(
        run_id=rid, artifact_path="odd dir/my file ü.txt", dst_path=str(tmp_path / "one"))
    assert Path(p).name == "my file ü.txt"
    assert Path(p).read_bytes() == exp["odd dir/my file ü.txt"]
    p = mlflow.artifacts.download_artifacts(
        run_id=rid, artifact_path="empty.txt", dst_path=str(tmp_path / "empty"))
    assert Path(p).read_bytes() == b""
    d = client.download_artifacts(rid, "data", str(tmp_path / "sub"))
    got = tree_files(Path(d))
    assert {k: sha256(v) for k, v in got.items()} == {
        "random.bin": sha256(exp["data/random.bin"]),
        "all-bytes.bin": sha256(exp["data/all-bytes.bin"]),
    }


def test_download_via_runs_uri(logged, tmp_path):
    d = mlflow.artifacts.download_artifacts(
        artifact_uri=f"runs:/{logged['run_id']}/nested", dst_path=str(tmp_path))
    assert tree_files(Path(d)) == {"deeper/leaf.json": b'{"k": "v"}\n'}


def test_download_via_artifact_uri(client, logged, tmp_path):
    uri = client.get_run(logged["run_id"]).info.artifact_uri + "/sub/dir/report.csv"
    p = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(tmp_path))
    assert Path(p).read_bytes() == logged["expected"]["sub/dir/report.csv"]


def test_load_text_and_dict(logged):
    rid = logged["run_id"]
    assert mlflow.artifacts.load_text(f"runs:/{rid}/notes/hello.txt") == TEXT
    assert mlflow.artifacts.load_dict(f"runs:/{rid}/config/params.json") == DICT
    # load_dict only parses JSON; the YAML file is checked as text
    assert mlflow.artifacts.load_text(f"runs:/{rid}/config/params.yaml").startswith("a: 1\n")


def test_download_missing_artifact_raises(client, logged, tmp_path):
    with pytest.raises(MlflowException) as e:
        client.download_artifacts(logged["run_id"], "nope/missing.txt", str(tmp_path))
    assert_error_code(e, "RESOURCE_DOES_NOT_EXIST")


def test_overwrite_artifact(client, exp_name, tmp_path):
    rid = client.create_run(client.create_experiment(exp_name)).info.run_id
    f = tmp_path / "overwrite.txt"
    f.write_text("first\n")
    client.log_artifact(rid, str(f), artifact_path="ow")
    f.write_text("second, longer\n")
    client.log_artifact(rid, str(f), artifact_path="ow")
    assert mlflow.artifacts.load_text(f"runs:/{rid}/ow/overwrite.txt") == "second, longer\n"
    assert [(x.path, x.file_size) for x in client.list_artifacts(rid, "ow")] == [
        ("ow/overwrite.txt", len("second, longer\n"))]

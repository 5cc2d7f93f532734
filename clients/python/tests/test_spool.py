"""The spool is the format of docs/SPOOL.md, shared with the Swift SDK: what Python spools `track sync`
uploads, what Swift spools the Python sync uploads, and neither touches a file a live writer holds."""
from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

from conftest import check_exactly, client_environment, free_port, run_track, sibling_bin
from track_client import Tracker, TrackingClient, pending_files, read_spool, sync_all, RUN_KEY_TAG


def test_the_spool_file_follows_the_format(tmp_path):
    spool = tmp_path / "spool"
    note = tmp_path / "model.bin"
    note.write_bytes(b"weights")
    tracker = Tracker(experiment="py-format", run_name="offline", params={f"p{i:03d}": i for i in range(150)},
                      tags={"team": "vision"}, url="http://127.0.0.1:9", spool_dir=str(spool), offline=True)
    values = [math.nan, math.inf, -math.inf, -0.0, 0.1, 1e308]
    for step in range(2500):
        tracker.log_metric("loss", values[step % len(values)], step=step, timestamp=1_700_000_000_000 + step)
    tracker.log_param("p000", 0)  # the same key again, same value
    tracker.set_tag("phase", "end")
    tracker.log_artifact(str(note), "checkpoints")
    tracker.finish()
    assert tracker.run_id is None and tracker.spooled == 2500

    files = pending_files(str(spool))
    assert [os.path.basename(f) for f in files] == [f"{tracker.run_key}-001.jsonl"]
    assert re.fullmatch(r"[0-9a-f]{32}", tracker.run_key)
    raw = open(files[0], "rb").read()
    assert raw.endswith(b"\n")
    lines = raw.split(b"\n")[:-1]

    def strict(constant):
        raise AssertionError(f"bare {constant} in the spool: not JSON")
    records = [json.loads(line, parse_constant=strict) for line in lines]
    assert all(isinstance(r, dict) for r in records)
    assert [r["seq"] for r in records] == list(range(len(records)))

    header = records[0]
    assert header["type"] == "header" and header["format"] == "track-spool" and header["v"] == 1
    assert header["run_key"] == tracker.run_key and header["client"] and header["tracking_uri"] == "http://127.0.0.1:9"
    assert isinstance(header["created"], int)

    create = records[1]
    assert create["type"] == "create_run" and create["run_key"] == tracker.run_key
    assert create["experiment_name"] == "py-format" and create["run_name"] == "offline"
    assert isinstance(create["start_time"], int) and isinstance(create["user_id"], str)
    create_tags = {t["key"]: t["value"] for t in create["tags"]}
    assert create_tags[RUN_KEY_TAG] == tracker.run_key and create_tags["team"] == "vision"

    batches = [r for r in records if r["type"] == "log_batch"]
    metrics, params, tags = [], [], []
    for batch in batches:
        assert set(batch) <= {"seq", "type", "metrics", "params", "tags"}
        assert len(batch["metrics"]) <= 1000 and len(batch["params"]) <= 100 and len(batch["tags"]) <= 100
        assert len(batch["metrics"]) + len(batch["params"]) + len(batch["tags"]) <= 1000
        keys = [p["key"] for p in batch["params"]]
        assert len(keys) == len(set(keys)), "a param key twice in one record"
        metrics += batch["metrics"]
        params += batch["params"]
        tags += batch["tags"]
    assert len(metrics) == 2500 and len(params) == 151 and tags == [{"key": "phase", "value": "end"}]
    for step, metric in enumerate(metrics):
        assert metric["key"] == "loss" and metric["step"] == step and metric["timestamp"] == 1_700_000_000_000 + step
        want = values[step % len(values)]
        if math.isnan(want):
            assert metric["value"] == "NaN"
        elif math.isinf(want):
            assert metric["value"] == ("Infinity" if want > 0 else "-Infinity")
        else:
            assert isinstance(metric["value"], float) and metric["value"] == want
            assert math.copysign(1, metric["value"]) == math.copysign(1, want)

    artifact = next(r for r in records if r["type"] == "artifact")
    assert artifact["local_path"] == str(note) and artifact["artifact_path"] == "checkpoints"
    assert records[-1]["type"] == "update_run" and records[-1]["status"] == "FINISHED"
    assert isinstance(records[-1]["end_time"], int)
    assert sum(r["type"] in ("create_run", "run") for r in records) == 1


def test_track_sync_leaves_a_live_writers_file_alone(server, tmp_path):
    spool = tmp_path / "spool"
    tracker = Tracker(experiment="py-live", url=server.url, spool_dir=str(spool), offline=True)
    for step in range(100):
        tracker.log_metric("loss", float(step), step=step)
    tracker.flush()
    files = pending_files(str(spool))
    assert len(files) == 1
    busy = run_track("sync", "--spool", str(spool), "--url", server.url)
    assert busy.returncode == 0, busy.stdout + busy.stderr
    assert "skipped, a running tracker is writing it" in busy.stdout
    assert [r["outcome"] for r in sync_all(str(spool), TrackingClient(server.url))] == ["in_use"]
    assert pending_files(str(spool)) == files
    tracker.finish()
    done = run_track("sync", "--spool", str(spool), "--url", server.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "synced to run" in done.stdout
    run_ids = server.run_ids("py-live")
    assert len(run_ids) == 1 and len(server.history(run_ids[0], "loss")) == 100
    assert server.run(run_ids[0])["info"]["status"] == "FINISHED"


def test_a_swift_spool_is_synced_by_python(server, tmp_path):
    """train-demo (the Swift SDK) spools offline; `python -m track_client sync` uploads it exactly."""
    spool = tmp_path / "spool"
    env = dict(os.environ, TRACK_OFFLINE="1", TRACK_SPOOL=str(spool))
    demo = subprocess.run([str(sibling_bin("train-demo")), "--quick", "--experiment", "swift-spooled", "--url", server.url],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300, env=env)
    assert demo.returncode == 0, demo.stderr
    files = pending_files(str(spool))
    assert len(files) == 1
    header, records, ignored = read_spool(files[0])
    assert header["client"] != "python-track-client" and ignored == 0
    logged = {}
    for record in records:
        for m in record.get("metrics", []) if record["type"] == "log_batch" else []:
            value = m["value"]
            value = float(value) if not isinstance(value, str) else {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[value]
            logged.setdefault(m["key"], []).append((m["step"], m["timestamp"], value))
    assert {"loss", "accuracy", "val_accuracy"} <= set(logged)

    out = subprocess.run([sys.executable, "-m", "track_client", "sync", "--spool", str(spool), "--url", server.url],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300, env=client_environment())
    assert out.returncode == 0, out.stdout + out.stderr
    assert "synced to run" in out.stdout
    assert pending_files(str(spool)) == []
    run = server.run_by_key("swift-spooled", header["run_key"])
    run_id = run["info"]["run_id"]
    for key, points in logged.items():
        check_exactly(server.history(run_id, key), points)
    assert run["info"]["status"] == "FINISHED"
    assert {t["key"]: t["value"] for t in run["data"]["tags"]}["demo"] == "train-demo"


def test_python_sync_says_what_to_do_when_the_server_is_away(tmp_path):
    spool = tmp_path / "spool"
    with Tracker(experiment="py-away", url="http://127.0.0.1:9", spool_dir=str(spool), offline=True) as tracker:
        tracker.log_metric("loss", 1.0)
    url = f"http://127.0.0.1:{free_port()}"
    out = subprocess.run([sys.executable, "-m", "track_client", "sync", "--spool", str(spool), "--url", url],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60, env=client_environment())
    assert out.returncode == 1
    assert f"cannot reach the track server at {url}" in out.stderr and "track server" in out.stderr
    assert "1 file(s) left" in out.stderr
    assert len(pending_files(str(spool))) == 1
    empty = subprocess.run([sys.executable, "-m", "track_client", "sync", "--spool", str(tmp_path / "none"), "--url", url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60, env=client_environment())
    assert empty.returncode == 0 and "Nothing to sync" in empty.stdout

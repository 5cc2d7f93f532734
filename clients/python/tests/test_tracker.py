"""track_client against the real `track server` binary."""
from __future__ import annotations

import math
import os
import subprocess
import time

from conftest import free_port, track_bin
from track_client import Tracker, TrackerError, pending_files, read_spool, sync_all, TrackingClient, RUN_KEY_TAG

FAST = dict(flush_interval=0.05, retry_initial=0.05, retry_max=0.3, probe_interval=0.2, request_timeout=5)


def value(step: int) -> float:
    specials = [math.nan, math.inf, -math.inf, -0.0, 1e-300, 0.1]
    return specials[step % len(specials)] if step % 4 == 0 else step * 0.25


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


def check_series(points, steps, window, fn):
    assert len(points) == len(steps)
    got_steps = [int(p["step"]) for p in points]
    assert got_steps == sorted(got_steps)
    assert set(got_steps) == set(steps)
    for p in points:
        v = p["value"]
        v = float(v) if not isinstance(v, str) else {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
        assert same(v, fn(int(p["step"]))), p
        assert window[0] <= int(p["timestamp"]) <= window[1]


def test_every_point_arrives_exactly(server, tmp_path):
    start = int(time.time() * 1000)
    tracker = Tracker(experiment="py-exact", run_name="lr-0.01", params={"lr": 0.01, "hidden": 64},
                      tags={"team": "vision"}, url=server.url, spool_dir=str(tmp_path / "spool"),
                      heartbeat_interval=0.1, flush_points=300, **FAST)
    assert tracker.run_id
    for step in range(3000):
        tracker.log_metric("loss", value(step), step=step)
    tracker.log_metrics({"acc": 0.5, "val/loss": 0.25}, step=3)
    tracker.log_param("optimizer", "adam")
    tracker.set_tag("phase", "done")
    time.sleep(0.3)
    tracker.finish()
    end = int(time.time() * 1000)
    check_series(server.history(tracker.run_id, "loss"), range(3000), (start, end), value)
    run = server.run(tracker.run_id)
    assert run["info"]["status"] == "FINISHED"
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params == {"lr": "0.01", "hidden": "64", "optimizer": "adam"}
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags["team"] == "vision" and tags["phase"] == "done"
    assert tags["mlflow.source.type"] == "LOCAL" and tags[RUN_KEY_TAG] == tracker.run_key
    assert int(tags["track.heartbeat"]) >= start
    assert tracker.last_error is None
    assert tracker.delivered == 3002


def test_server_absent_at_start_then_started(make_server, tmp_path):
    port = free_port()
    start = int(time.time() * 1000)
    tracker = Tracker(experiment="py-late", url=f"http://127.0.0.1:{port}", spool_dir=str(tmp_path / "spool"), **FAST)
    assert tracker.run_id is None
    for step in range(1500):
        tracker.log_metric("loss", step * 2.0, step=step)
    time.sleep(0.3)
    srv = make_server(port).start()
    tracker.finish()
    end = int(time.time() * 1000)
    check_series(srv.history(tracker.run_id, "loss"), range(1500), (start, end), lambda s: s * 2.0)
    assert srv.run(tracker.run_id)["info"]["status"] == "FINISHED"
    assert tracker.spooled == 0


def test_caller_fault_does_not_stall(server, tmp_path):
    seen = []
    tracker = Tracker(experiment="py-faults", params={"lr": 0.1}, url=server.url, spool_dir=str(tmp_path / "spool"),
                      on_error=seen.append, **FAST)
    tracker.flush()
    tracker.log_param("lr", 0.2)
    tracker.log_metric("bad key!", 1.0)
    for step in range(500):
        tracker.log_metric("loss", float(step), step=step)
    tracker.finish()
    assert len(server.history(tracker.run_id, "loss")) == 500
    assert len(seen) == 2 and isinstance(tracker.last_error, TrackerError)
    params = {p["key"]: p["value"] for p in server.run(tracker.run_id)["data"]["params"]}
    assert params == {"lr": "0.1"}


def test_spooled_by_python_synced_by_track_binary(make_server, tmp_path):
    spool = tmp_path / "spool"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = int(time.time() * 1000)
    with Tracker(experiment="py-offline", run_name="plane", params={"lr": 0.3}, url=url, spool_dir=str(spool),
                 spool_after=0.2, **FAST) as tracker:
        for step in range(1200):
            tracker.log_metric("loss", value(step), step=step)
        note = tmp_path / "note.txt"
        note.write_text("hi")
        tracker.log_artifact(str(note), "docs")
    end = int(time.time() * 1000)
    files = pending_files(str(spool))
    assert len(files) == 1
    header, records, ignored = read_spool(files[0])
    assert header["v"] == 1 and header["run_key"] == tracker.run_key and ignored == 0
    assert records[0]["type"] == "create_run" and records[-1]["type"] == "update_run"
    # A half-written record at the end (a SIGKILLed writer) is ignored.
    with open(files[0], "ab") as handle:
        handle.write(b'{"seq":9999,"type":"log_batch","metrics":[{"key":"lo')

    srv = make_server(port).start()
    out = subprocess.run([str(track_bin()), "sync", "--spool", str(spool), "--url", url],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    text = out.stdout.decode()
    assert out.returncode == 0, text
    assert "synced to run" in text and "1 incomplete line(s) ignored" in text
    assert pending_files(str(spool)) == []
    client = TrackingClient(url)
    experiment = client.experiment_id("py-offline")
    run = client.find_run(experiment, tracker.run_key)
    assert run is not None
    check_series(srv.history(run["run_id"], "loss"), range(1200), (start, end), value)
    data = srv.run(run["run_id"])
    assert data["info"]["status"] == "FINISHED"
    assert {p["key"]: p["value"] for p in data["data"]["params"]} == {"lr": "0.3"}

    # Re-syncing (here with the Python sync) is idempotent.
    os.rename(files[0] + ".synced", files[0])
    results = sync_all(str(spool), client)
    assert [r["outcome"] for r in results] == ["synced"] and results[0]["run_id"] == run["run_id"]
    assert len(srv.history(run["run_id"], "loss")) == 1200


def test_heals_when_server_returns(make_server, tmp_path):
    port = free_port()
    tracker = Tracker(experiment="py-heal", url=f"http://127.0.0.1:{port}", spool_dir=str(tmp_path / "spool"),
                      spool_after=0.1, **FAST)
    for step in range(300):
        tracker.log_metric("loss", float(step), step=step)
    deadline = time.monotonic() + 20
    while not tracker.is_spooling and time.monotonic() < deadline:
        time.sleep(0.02)
    assert tracker.is_spooling
    srv = make_server(port).start()
    deadline = time.monotonic() + 20
    while tracker.is_spooling and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not tracker.is_spooling
    for step in range(300, 600):
        tracker.log_metric("loss", float(step), step=step)
    tracker.finish()
    assert [int(p["step"]) for p in srv.history(tracker.run_id, "loss")] == list(range(600))
    assert pending_files(str(tmp_path / "spool")) == []

"""The server away (at start, killed mid-run, gone for good) and the training process killed: every
logged point ends on the server exactly once, through the tracker itself or through `track sync`."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import FAST, check_series, client_environment, eventually, free_port, run_track
from track_client import Tracker, TrackingClient, pending_files, read_spool, sync_all


def now_ms() -> int:
    return int(time.time() * 1000)


def value(step: int) -> float:
    specials = [math.nan, math.inf, -math.inf, -0.0, 1e-300, 0.1]
    return specials[step % len(specials)] if step % 4 == 0 else step * 0.25


def test_server_absent_at_start_then_started(make_server, tmp_path):
    port = free_port()
    start = now_ms()
    tracker = Tracker(experiment="py-late", run_name="early", params={"lr": 0.1}, url=f"http://127.0.0.1:{port}",
                      spool_dir=str(tmp_path / "spool"), **FAST)
    assert tracker.run_id is None
    for step in range(2000):
        tracker.log_metric("loss", step * 0.5, step=step)
    time.sleep(0.3)  # a few failed attempts
    srv = make_server(port).start()
    for step in range(2000, 2500):
        tracker.log_metric("loss", step * 0.5, step=step)
    tracker.finish()
    end = now_ms()
    check_series(srv.history(tracker.run_id, "loss"), range(2500), (start, end), lambda s: s * 0.5)
    run = srv.run(tracker.run_id)
    assert run["info"]["status"] == "FINISHED"
    assert {p["key"]: p["value"] for p in run["data"]["params"]} == {"lr": "0.1"}
    assert {t["key"]: t["value"] for t in run["data"]["tags"]}["mlflow.runName"] == "early"
    assert srv.run_ids("py-late") == [tracker.run_id]
    assert tracker.spooled == 0


def test_server_killed_mid_run_and_restarted(make_server, tmp_path):
    srv = make_server().start()
    tracker = Tracker(experiment="py-restart", url=srv.url, spool_dir=str(tmp_path / "spool"), **FAST)
    run_id = tracker.run_id
    assert run_id
    start = now_ms()
    for step in range(3000):
        tracker.log_metric("loss", 1 / (step + 1), step=step)
        if step % 200 == 0:
            time.sleep(0.005)
    eventually("the first points to arrive", lambda: tracker.delivered > 0)
    srv.kill()
    for step in range(3000, 6000):
        tracker.log_metric("loss", 1 / (step + 1), step=step)
        if step % 500 == 0:
            time.sleep(0.02)
    time.sleep(0.5)  # the tracker keeps retrying meanwhile
    srv.start()
    for step in range(6000, 7000):
        tracker.log_metric("loss", 1 / (step + 1), step=step)
    tracker.finish()
    end = now_ms()
    assert tracker.run_id == run_id
    check_series(srv.history(run_id, "loss"), range(7000), (start, end), lambda s: 1 / (s + 1))
    assert srv.run(run_id)["info"]["status"] == "FINISHED"
    assert srv.run_ids("py-restart") == [run_id]
    assert tracker.spooled == 0, "the outage was shorter than spool_after"


def test_server_gone_for_good_then_track_sync(make_server, tmp_path):
    """The server dies mid-run and is not back before the script ends: the rest is spooled, the
    script ends normally, and `track sync` completes the run once the server is back."""
    spool = tmp_path / "spool"
    srv = make_server().start()
    tracker = Tracker(experiment="py-gone", run_name="gone", params={"lr": 0.5}, tags={"where": "plane"}, url=srv.url,
                      spool_dir=str(spool), spool_after=0.3, **FAST)
    run_id = tracker.run_id
    assert run_id
    start = now_ms()
    for step in range(2000):
        tracker.log_metric("loss", math.sqrt(step), step=step)
    eventually("the first points to arrive", lambda: tracker.delivered > 0)
    srv.kill()
    for step in range(2000, 4000):
        tracker.log_metric("loss", math.sqrt(step), step=step)
    tracker.log_metric("odd", math.inf, step=0)
    note = tmp_path / "notes.txt"
    note.write_text("hello")
    tracker.log_artifact(str(note), "docs")  # recorded in the spool by reference
    tracker.finish()  # does not raise: the data is safe on disk
    end = now_ms()
    assert tracker.delivered > 0 and tracker.spooled > 0
    assert tracker.delivered + tracker.spooled >= 4001

    files = pending_files(str(spool))
    assert len(files) == 1
    header, records, ignored = read_spool(files[0])
    assert ignored == 0 and header["run_key"] == tracker.run_key
    assert records[0]["type"] == "run" and records[0]["run_id"] == run_id
    assert records[-1]["type"] == "update_run" and records[-1]["status"] == "FINISHED"

    srv.start()  # the server is back; the training process is long gone
    out = run_track("sync", "--spool", str(spool), "--url", srv.url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"synced to run {run_id}" in out.stdout
    check_series(srv.history(run_id, "loss"), range(4000), (start, end), math.sqrt)
    assert [p["value"] for p in srv.history(run_id, "odd")] == ["Infinity"]
    run = srv.run(run_id)
    assert run["info"]["status"] == "FINISHED"
    assert {p["key"]: p["value"] for p in run["data"]["params"]} == {"lr": "0.5"}
    assert {t["key"]: t["value"] for t in run["data"]["tags"]}["where"] == "plane"
    assert srv.artifact(run["info"]["artifact_uri"], "docs/notes.txt") == b"hello"
    assert pending_files(str(spool)) == []
    assert os.path.exists(files[0] + ".synced")

    # Syncing the same file again changes nothing.
    os.rename(files[0] + ".synced", files[0])
    again = run_track("sync", "--spool", str(spool), "--url", srv.url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(srv.history(run_id, "loss")) == 4000
    assert srv.run_ids("py-gone") == [run_id]


def test_spooled_from_the_start_synced_by_track_binary(make_server, tmp_path):
    """The server never answered while the script ran: the run is created by `track sync`."""
    spool = tmp_path / "spool"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = now_ms()
    with Tracker(experiment="py-offline", run_name="plane", params={"lr": 0.3}, url=url, spool_dir=str(spool),
                 spool_after=0.2, **FAST) as tracker:
        for step in range(1200):
            tracker.log_metric("loss", value(step), step=step)
        note = tmp_path / "note.txt"
        note.write_text("hi")
        tracker.log_artifact(str(note), "docs")
    end = now_ms()
    assert tracker.run_id is None
    assert tracker.spooled == 1200
    files = pending_files(str(spool))
    assert len(files) == 1
    header, records, ignored = read_spool(files[0])
    assert header["v"] == 1 and header["run_key"] == tracker.run_key and ignored == 0
    assert records[0]["type"] == "create_run" and records[-1]["type"] == "update_run"
    # A half-written record at the end (a SIGKILLed writer) is ignored.
    with open(files[0], "ab") as handle:
        handle.write(b'{"seq":9999,"type":"log_batch","metrics":[{"key":"lo')

    srv = make_server(port).start()
    out = run_track("sync", "--spool", str(spool), "--url", url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "synced to run" in out.stdout and "1 incomplete line(s) ignored" in out.stdout
    assert pending_files(str(spool)) == []
    client = TrackingClient(url)
    experiment = client.experiment_id("py-offline")
    run = client.find_run(experiment, tracker.run_key)
    assert run is not None
    check_series(srv.history(run["run_id"], "loss"), range(1200), (start, end), value)
    data = srv.run(run["run_id"])
    assert data["info"]["status"] == "FINISHED"
    assert {p["key"]: p["value"] for p in data["data"]["params"]} == {"lr": "0.3"}
    assert {t["key"]: t["value"] for t in data["data"]["tags"]}["mlflow.runName"] == "plane"
    assert srv.artifact(data["info"]["artifact_uri"], "docs/note.txt") == b"hi"

    # Re-syncing (here with the Python sync) is idempotent.
    os.rename(files[0] + ".synced", files[0])
    results = sync_all(str(spool), client)
    assert [r["outcome"] for r in results] == ["synced"] and results[0]["run_id"] == run["run_id"]
    assert len(srv.history(run["run_id"], "loss")) == 1200
    assert srv.run_ids("py-offline") == [run["run_id"]]


def test_heals_when_server_returns(make_server, tmp_path):
    spool = tmp_path / "spool"
    port = free_port()
    start = now_ms()
    tracker = Tracker(experiment="py-heal", url=f"http://127.0.0.1:{port}", spool_dir=str(spool),
                      spool_after=0.1, **FAST)
    for step in range(300):
        tracker.log_metric("loss", float(step), step=step)
    eventually("the tracker to spool", lambda: tracker.is_spooling)
    tracker.flush()
    spool_file = tracker.spool_file
    srv = make_server(port).start()
    eventually("the tracker to go live again", lambda: not tracker.is_spooling)
    assert os.path.exists(spool_file + ".synced")
    assert tracker.run_id is not None
    for step in range(300, 600):
        tracker.log_metric("loss", float(step), step=step)
    tracker.finish()
    end = now_ms()
    check_series(srv.history(tracker.run_id, "loss"), range(600), (start, end), float)
    assert srv.run(tracker.run_id)["info"]["status"] == "FINISHED"
    assert pending_files(str(spool)) == []


CRASHING_SCRIPT = r"""
import sys, time
from track_client import Tracker
url, spool = sys.argv[1:3]
tracker = Tracker(experiment="py-crash", run_name="crash", params={"hidden": 16}, tags={"demo": "py-crash"},
                  url=url, spool_dir=spool, spool_after=0.2, flush_interval=0.05, retry_initial=0.05,
                  retry_max=0.3, probe_interval=0.2, request_timeout=5)
print(f"RUN {tracker.run_key} {tracker.run_id}", flush=True)
step = 0
while True:
    tracker.log_metric("loss", 1.0 / (step + 1), step=step)
    tracker.log_metric("accuracy", step / (step + 1.0), step=step)
    if step % 100 == 99:
        tracker.flush()
        print(f"FLUSHED {step} {int(tracker.is_spooling)}", flush=True)
    step += 1
    time.sleep(0.0002)
"""


@pytest.mark.parametrize("server_at_start", [False, True], ids=["server-absent", "server-killed-mid-run"])
def test_sigkilled_process_spool_is_readable_and_track_sync_completes_it(make_server, tmp_path, server_at_start):
    spool = tmp_path / "spool"
    script = tmp_path / "train.py"
    script.write_text(CRASHING_SCRIPT)
    srv = make_server()
    if server_at_start:
        srv.start()
    child = subprocess.Popen([sys.executable, str(script), srv.url, str(spool)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=client_environment())
    try:
        _, run_key, run_id = child.stdout.readline().split()
        flushed, spooled_from = -1, None
        for line in child.stdout:
            _, step, spooling = line.split()
            flushed = int(step)
            if server_at_start and flushed >= 499 and srv.proc is not None:
                srv.kill()  # the server goes away mid-run...
            if spooling == "1" and spooled_from is None:
                spooled_from = flushed
            if spooled_from is not None and flushed >= spooled_from + 500:
                break  # ...and later the training process is killed
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert spooled_from is not None and flushed >= spooled_from + 500
    assert (run_id != "None") == server_at_start

    files = pending_files(str(spool))
    assert len(files) == 1
    header, records, ignored = read_spool(files[0])
    assert ignored <= 1 and header["run_key"] == run_key and header["v"] == 1
    assert records[0]["type"] == ("run" if server_at_start else "create_run")
    assert all(r["type"] != "update_run" for r in records), "a killed process never finished its run"
    # The worst case too: a record cut off mid-write.
    with open(files[0], "ab") as handle:
        handle.write(b'{"seq":99999,"type":"log_batch","metrics":[{"key":"loss","val')
    assert read_spool(files[0])[2] == ignored + 1
    listed = run_track("sync", "--list", "--spool", str(spool))
    assert listed.returncode == 0 and f"run key {run_key}" in listed.stdout, listed.stdout + listed.stderr
    assert "incomplete line(s) ignored" in listed.stdout

    srv.start()
    out = run_track("sync", "--spool", str(spool), "--url", srv.url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "synced to run" in out.stdout and "incomplete line(s) ignored" in out.stdout
    run = srv.run_by_key("py-crash", run_key)
    if server_at_start:
        assert run["info"]["run_id"] == run_id
    stored = srv.history(run["info"]["run_id"], "loss")
    steps = [int(p["step"]) for p in stored]
    # Everything up to the last flush is there, once; what never left memory may be missing.
    assert steps[:flushed + 1] == list(range(flushed + 1))
    assert len(set(steps)) == len(steps)
    assert all(float(p["value"]) == 1.0 / (int(p["step"]) + 1) for p in stored)
    assert len(srv.history(run["info"]["run_id"], "accuracy")) >= flushed + 1
    assert run["info"]["status"] == "RUNNING", "a killed process never finished its run"
    assert {p["key"]: p["value"] for p in run["data"]["params"]} == {"hidden": "16"}
    assert {t["key"]: t["value"] for t in run["data"]["tags"]}["demo"] == "py-crash"
    assert len(srv.run_ids("py-crash")) == 1

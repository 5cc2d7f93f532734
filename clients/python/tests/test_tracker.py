"""Delivery: against the real `track server`, what is logged is what is stored, and logging never waits."""
from __future__ import annotations

import math
import subprocess
import sys
import time

from conftest import FAST, check_exactly, check_series, client_environment, eventually
from track_client import Credentials, Tracker, TrackerError, RUN_KEY_TAG, HEARTBEAT_TAG

SPECIALS = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e-300, -1e300, 5e-324, sys.float_info.max,
            0.1, 1 / 3, -2.5, 123_456_789.123_456_789]


def value(step: int) -> float:
    return SPECIALS[(step // 3) % len(SPECIALS)] if step % 3 == 0 else step * 0.001 - 1


def test_every_point_arrives_exactly(server, tmp_path):
    """Values incl. NaN/±inf/-0.0/subnormals, steps, timestamps, order; params, tags, status."""
    tracker = Tracker(experiment="py-exact", run_name="lr-0.01", params={"lr": 0.01, "hidden": 64},
                      tags={"team": "vision"}, url=server.url, spool_dir=str(tmp_path / "spool"),
                      heartbeat_interval=0.1, flush_points=700, **FAST)  # batches that line up with nothing
    assert tracker.run_id, tracker.last_error
    start = int(time.time() * 1000)
    count = 5000
    explicit = []
    for step in range(count):
        tracker.log_metric("loss", value(step), step=step)
        stamp = 1_700_000_000_000 + step // 2  # explicit timestamps, some shared
        tracker.log_metric("explicit", value(step), step=step, timestamp=stamp)
        explicit.append((step, stamp, value(step)))
    tracker.log_metrics({"acc": 0.75, "val/loss": 0.5}, step=3)
    tracker.log_param("optimizer", "adam")
    tracker.set_tag("phase", "done")

    def heartbeat() -> int:
        tags = {t["key"]: t["value"] for t in server.run(tracker.run_id)["data"].get("tags", [])}
        return int(tags.get(HEARTBEAT_TAG, "0"))
    eventually("a heartbeat after the start", lambda: heartbeat() > start)
    tracker.finish()
    end = int(time.time() * 1000)

    check_series(server.history(tracker.run_id, "loss"), range(count), (start, end), value)
    explicit_stored = server.history(tracker.run_id, "explicit")
    assert [int(p["step"]) for p in explicit_stored] == sorted(int(p["step"]) for p in explicit_stored)
    check_exactly(explicit_stored, explicit)
    acc = server.history(tracker.run_id, "acc")
    assert [(p["value"], int(p["step"])) for p in acc] == [(0.75, 3)]
    assert len(server.history(tracker.run_id, "val/loss")) == 1

    run = server.run(tracker.run_id)
    assert run["info"]["status"] == "FINISHED"
    assert start <= int(run["info"]["end_time"]) <= end
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert params == {"lr": "0.01", "hidden": "64", "optimizer": "adam"}
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags["team"] == "vision" and tags["phase"] == "done"
    assert tags["mlflow.runName"] == "lr-0.01"
    assert tags["mlflow.source.type"] == "LOCAL" and tags["mlflow.source.name"]
    assert tags["mlflow.user"] and tags["track.host"] and tags["track.os"]
    assert tags["track.python.version"] == ".".join(map(str, sys.version_info[:3]))
    assert tags[RUN_KEY_TAG] == tracker.run_key
    assert int(tags[HEARTBEAT_TAG]) > start, "the heartbeat tag is refreshed while the run lives"
    assert tracker.last_error is None
    assert tracker.delivered == 2 * count + 2
    assert tracker.spooled == 0
    # Logging after finish is ignored, not an error.
    tracker.log_metric("loss", 1.0, step=count)
    assert len(server.history(tracker.run_id, "loss")) == count


def test_points_travel_in_batches(server, proxy, tmp_path):
    tracker = Tracker(experiment="py-batches", url=proxy.url, spool_dir=str(tmp_path / "spool"), flush_points=1000,
                      heartbeat_interval=None, **FAST)
    for step in range(5000):
        tracker.log_metric("loss", step / 3, step=step)
    tracker.finish()
    assert len(server.history(tracker.run_id, "loss")) == 5000
    batches = [r for r in proxy.requests if "runs/log-batch" in r]
    assert 5 <= len(batches) <= 50, f"{len(batches)} log-batch requests for 5000 points"


def test_logging_never_waits_for_the_server(server, proxy, tmp_path):
    """The sender is stuck in a request the server never answers; every log call still returns."""
    settings = dict(FAST, request_timeout=60)
    tracker = Tracker(experiment="py-hung", url=proxy.url, spool_dir=str(tmp_path / "spool"), flush_points=100,
                      heartbeat_interval=None, **settings)
    tracker.flush()
    proxy.hold()
    tracker.log_metric("loss", 0.0, step=0)
    eventually("the sender to be stuck in a request", lambda: proxy.held > 0)
    for step in range(1, 50_000):
        tracker.log_metric("loss", float(step), step=step)
    tracker.log_metrics({"acc": 1.0}, step=1)
    tracker.log_param("optimizer", "adam")
    tracker.set_tag("phase", "hung")
    assert proxy.held > 0, "the request was held for the whole loop"
    proxy.release()
    tracker.finish()
    assert len(server.history(tracker.run_id, "loss")) == 50_000
    assert server.run(tracker.run_id)["info"]["status"] == "FINISHED"


def test_a_queue_that_overflows_goes_to_the_spool_and_still_arrives_once(server, proxy, tmp_path, capfd):
    """Memory stays bounded: past max_pending_points the queue goes to the spool, which the tracker
    uploads itself once the server keeps up again."""
    tracker = Tracker(experiment="py-overflow", url=proxy.url, spool_dir=str(tmp_path / "spool"), max_pending_points=2000,
                      heartbeat_interval=None, **dict(FAST, request_timeout=60))
    tracker.flush()
    start = int(time.time() * 1000)
    proxy.hold()
    tracker.log_metric("loss", 0.0, step=0)
    eventually("the sender to be stuck in a request", lambda: proxy.held > 0)
    for step in range(1, 10_000):
        tracker.log_metric("loss", step / 3, step=step)
    proxy.release()
    tracker.finish()
    end = int(time.time() * 1000)
    check_series(server.history(tracker.run_id, "loss"), range(10_000), (start, end), lambda s: s / 3)
    assert tracker.spooled > 0
    assert "the server is falling behind (more than 2000 points queued)" in capfd.readouterr().err
    assert server.run(tracker.run_id)["info"]["status"] == "FINISHED"


def test_lost_answers_429s_and_503s_still_give_each_point_once(server, proxy, tmp_path):
    tracker = Tracker(experiment="py-lost", url=proxy.url, spool_dir=str(tmp_path / "spool"),
                      credentials=Credentials(token="s3cret"), flush_points=400, **FAST)
    with proxy.lock:
        proxy.drop_answers["runs/log-batch"] = 3
        proxy.fail_with["runs/log-batch"] = (429, 2)
        proxy.fail_with["runs/update"] = (503, 2)
    start = int(time.time() * 1000)
    for step in range(3000):
        tracker.log_metric("loss", step / 7, step=step)
        if step % 500 == 0:
            time.sleep(0.02)
    tracker.finish()
    end = int(time.time() * 1000)
    check_series(server.history(tracker.run_id, "loss"), range(3000), (start, end), lambda s: s / 7)
    assert server.run(tracker.run_id)["info"]["status"] == "FINISHED"
    with proxy.lock:
        assert proxy.drop_answers["runs/log-batch"] == 0, "the proxy dropped three answers"
        assert proxy.fail_with["runs/log-batch"][1] == 0 and proxy.fail_with["runs/update"][1] == 0
        assert sum("runs/update" in r for r in proxy.requests) >= 3
        assert proxy.authorizations and all(a == "Bearer s3cret" for a in proxy.authorizations)
    assert server.run_ids("py-lost") == [tracker.run_id]
    assert tracker.spooled == 0 and tracker.last_error is None


def test_a_lost_create_answer_does_not_make_a_second_run(server, proxy, tmp_path):
    with proxy.lock:
        proxy.drop_answers["runs/create"] = 1
    tracker = Tracker(experiment="py-lost-create", url=proxy.url, spool_dir=str(tmp_path / "spool"), **FAST)
    tracker.log_metric("x", 1.0, step=0)
    tracker.finish()
    assert server.run_ids("py-lost-create") == [tracker.run_id]
    assert len(server.history(tracker.run_id, "x")) == 1


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


def test_resume_a_finished_run_and_upload_artifacts(server, tmp_path):
    first = Tracker(experiment="py-resume", run_name="twice", url=server.url, spool_dir=str(tmp_path / "spool"), **FAST)
    first.log_metric("loss", 1.0, step=0)
    first.finish()
    assert server.run(first.run_id)["info"]["status"] == "FINISHED"
    folder = tmp_path / "ckpt"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "sub" / "b.txt").write_text("b")
    with Tracker(run_id=first.run_id, url=server.url, spool_dir=str(tmp_path / "spool"), **FAST) as again:
        assert server.run(first.run_id)["info"]["status"] == "RUNNING"
        again.log_metric("loss", 0.5, step=1)
        again.log_artifact(str(folder), "checkpoints")
        again.log_artifact(str(folder / "a.txt"))
    run = server.run(first.run_id)
    assert run["info"]["status"] == "FINISHED"
    assert [float(p["value"]) for p in server.history(first.run_id, "loss")] == [1.0, 0.5]
    uri = run["info"]["artifact_uri"]
    assert server.artifact(uri, "checkpoints/ckpt/a.txt") == b"a"
    assert server.artifact(uri, "checkpoints/ckpt/sub/b.txt") == b"b"
    assert server.artifact(uri, "a.txt") == b"a"


CHILD = r"""
import sys
from track_client import Tracker
url, spool, mode = sys.argv[1:4]
# Nothing is shipped on its own before the exit: a long interval and no size trigger.
tracker = Tracker(experiment="py-exit", run_name=mode, url=url, spool_dir=spool, flush_interval=60,
                  flush_points=10**9, heartbeat_interval=None)
for step in range(2000):
    tracker.log_metric("loss", step * 0.5, step=step)
print(tracker.run_id, flush=True)
if mode == "raise":
    raise RuntimeError("the training script crashed")
if mode == "interrupt":
    raise KeyboardInterrupt
"""


def test_a_script_that_never_finishes_its_run_loses_nothing(server, tmp_path):
    """The interpreter's exit flushes and finishes open runs: FINISHED, FAILED after an uncaught
    exception, KILLED after Ctrl-C."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    for mode, status in (("normal", "FINISHED"), ("raise", "FAILED"), ("interrupt", "KILLED")):
        out = subprocess.run([sys.executable, str(script), server.url, str(tmp_path / "spool"), mode],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120,
                             env=client_environment())
        assert (out.returncode == 0) == (mode == "normal"), out.stderr
        run_id = out.stdout.strip()
        assert run_id, out.stderr
        assert server.run(run_id)["info"]["status"] == status, mode
        check_series(server.history(run_id, "loss"), range(2000), (0, int(time.time() * 1000)), lambda s: s * 0.5)

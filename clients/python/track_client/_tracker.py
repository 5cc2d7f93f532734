"""The Tracker: non-blocking logging, a background sender, retries, spool, lifecycle."""
from __future__ import annotations

import atexit
import getpass
import os
import platform
import random
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ._client import RUN_KEY_TAG, Credentials, TrackerError, TrackingClient, deliver, metric_json, \
    MAX_ENTITIES, MAX_METRICS, MAX_PARAMS, MAX_TAGS
from ._spool import SpoolWriter, default_spool_dir, mark_synced, now_ms, replay

HEARTBEAT_TAG = "track.heartbeat"
HEARTBEAT_INTERVAL_TAG = "track.heartbeat_interval_ms"
_NAME = re.compile(r"^[/\w.\- :]*$", re.UNICODE)


# Trackers whose run is not finished yet: at interpreter exit they are flushed and finished, so a
# script that never calls finish() still loses nothing it logged. The sender thread is a daemon:
# without this it would die with points still queued.
_unfinished: "weakref.WeakSet[Tracker]" = weakref.WeakSet()
_atexit_lock = threading.Lock()
_atexit_registered = False


def _finish_at_exit() -> None:
    # sys.last_type is set when an uncaught exception ended the program.
    ended_by = getattr(sys, "last_type", None)
    if ended_by is None:
        status = "FINISHED"
    elif issubclass(ended_by, KeyboardInterrupt):
        status = "KILLED"
    else:
        status = "FAILED"
    for tracker in list(_unfinished):
        try:
            tracker.finish(status)
        except Exception:  # noqa: BLE001 - reported through on_error/last_error already
            pass


def _track_until_exit(tracker: "Tracker") -> None:
    global _atexit_registered
    with _atexit_lock:
        if not _atexit_registered:
            atexit.register(_finish_at_exit)
            _atexit_registered = True
    _unfinished.add(tracker)


def _valid_name(key: str) -> bool:
    if not key or len(key) > 250 or not _NAME.match(key):
        return False
    normalized = os.path.normpath(key)
    return normalized == key and not key.startswith("/")


@dataclass
class TrackerConfig:
    """Batching, retry and spool settings (the same defaults as the Swift SDK)."""
    url: Optional[str] = None
    credentials: Optional[Credentials] = None
    flush_interval: float = 0.5          # seconds
    flush_points: int = 1000
    max_pending_points: int = 200_000     # beyond this the queue overflows to the spool
    spool_after: float = 30.0             # seconds of failures before spooling (TRACK_SPOOL_AFTER)
    spool_enabled: bool = True
    spool_dir: Optional[str] = None       # TRACK_SPOOL, else ~/.cache/track/spool
    offline: bool = False                 # TRACK_OFFLINE=1: spool everything, never contact the server
    probe_interval: float = 2.0
    retry_initial: float = 0.1
    retry_max: float = 2.0
    request_timeout: float = 15.0
    heartbeat_interval: Optional[float] = 30.0
    capture_system_tags: bool = True
    on_error: Optional[Callable[[TrackerError], None]] = None

    def __post_init__(self) -> None:
        if "TRACK_SPOOL_AFTER" in os.environ:
            try:
                self.spool_after = max(0.0, float(os.environ["TRACK_SPOOL_AFTER"]))
            except ValueError:
                pass
        if os.environ.get("TRACK_OFFLINE", "").lower() in ("1", "true", "yes"):
            self.offline = True


def _git(*args: str) -> Optional[str]:
    try:
        out = subprocess.run(["git", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, timeout=5, check=True)
        return out.stdout.decode("utf-8", "replace").strip()
    except (OSError, subprocess.SubprocessError):
        return None


def _system_tags() -> List[Tuple[str, str]]:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not worth failing for
        user = "unknown"
    tags = [
        ("mlflow.source.name", os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else "python"),
        ("mlflow.source.type", "LOCAL"),
        ("mlflow.user", user),
        ("track.command", " ".join(sys.argv)[:8000]),
        ("track.host", socket.gethostname()),
        ("track.os", f"{platform.system()} {platform.release()}"),
        ("track.python.version", platform.python_version()),
        ("track.pid", str(os.getpid())),
    ]
    commit = _git("rev-parse", "HEAD")
    if commit and len(commit) >= 7:
        tags.append(("mlflow.source.git.commit", commit))
        status = _git("status", "--porcelain", "--untracked-files=no")
        if status is not None:
            tags.append(("track.git.dirty", "true" if status else "false"))
    return tags


class Tracker:
    """Logs one run without blocking the training loop.

    ``log_metric`` appends ``(key, value, step, timestamp)`` to a deque and returns; a daemon
    thread ships batches (``runs/log-batch``) every ``flush_interval`` or ``flush_points``
    points, retries with backoff and jitter on connection errors, 429 and 5xx, and spools to disk
    when the server stays away longer than ``spool_after``. A 4xx that is the caller's fault is
    kept in ``last_error`` (and passed to ``on_error``) without stalling the queue.

    Use as a context manager (FINISHED / FAILED / KILLED on KeyboardInterrupt) or call ``finish()``.
    A run still open when the interpreter exits is flushed and finished then (FAILED after an
    uncaught exception, KILLED after an uncaught KeyboardInterrupt).
    """

    def __init__(self, experiment: str = "Default", run_name: Optional[str] = None,
                 params: Optional[Mapping[str, Any]] = None, tags: Optional[Mapping[str, str]] = None,
                 url: Optional[str] = None, run_id: Optional[str] = None, config: Optional[TrackerConfig] = None,
                 **overrides: Any):
        self.config = config or TrackerConfig()
        for name, value in overrides.items():
            if not hasattr(self.config, name):
                raise TypeError(f"unknown setting {name!r}")
            setattr(self.config, name, value)
        if url:
            self.config.url = url
        self.client = TrackingClient(self.config.url, self.config.credentials, self.config.request_timeout)
        self.run_key = uuid.uuid4().hex
        self.last_error: Optional[TrackerError] = None
        self.delivered = 0
        self.spooled = 0
        self._lock = threading.Lock()
        self._metrics: deque = deque()
        self._params: List[Dict[str, str]] = []
        self._tags: List[Dict[str, str]] = []
        self._closed = False
        self._wake = threading.Event()
        self._flush_requests: List[threading.Event] = []
        self._finish: Optional[Tuple[str, threading.Event]] = None
        self._run: Optional[Dict[str, str]] = None
        self._creation: Optional[Dict[str, Any]] = None
        self._experiment_id: Optional[str] = None
        self._create_attempts = 0
        self._pending_metrics: deque = deque()
        self._pending_params: List[Dict[str, str]] = []
        self._pending_tags: List[Dict[str, str]] = []
        self._artifacts: List[Tuple[str, Optional[str], threading.Event, list]] = []
        self._spool: Optional[SpoolWriter] = None
        self._failure_since: Optional[float] = None
        self._failures = 0
        self._retry_at: Optional[float] = None
        self._next_probe = 0.0
        self._next_heartbeat = (time.monotonic() + self.config.heartbeat_interval) if self.config.heartbeat_interval else None
        self._finish_result: Optional[TrackerError] = None
        self._announced_spool = False

        if run_id:
            self._run = {"run_id": run_id, "experiment_id": "", "artifact_uri": ""}
        else:
            all_tags = _system_tags() if self.config.capture_system_tags else []
            all_tags.append((RUN_KEY_TAG, self.run_key))
            if self.config.heartbeat_interval:
                all_tags.append((HEARTBEAT_INTERVAL_TAG, str(int(self.config.heartbeat_interval * 1000))))
                all_tags.append((HEARTBEAT_TAG, str(now_ms())))
            for key, value in sorted((tags or {}).items()):
                all_tags = [t for t in all_tags if t[0] != key] + [(key, str(value))]
            user = next((v for k, v in all_tags if k == "mlflow.user"), "")
            self._creation = {"experiment_name": experiment, "run_name": run_name, "start_time": now_ms(),
                              "user_id": user, "tags": all_tags}
        for key, value in sorted((params or {}).items()):
            self._pending_params.append({"key": key, "value": str(value)})

        if self.config.offline:
            self._enter_spool()
        else:
            try:
                if self._run is None:
                    self._create_run()
                else:
                    info = self.client.get_run(self._run["run_id"])["info"]
                    if info.get("status") in ("FINISHED", "FAILED", "KILLED"):
                        self.client.update_run(info["run_id"], "RUNNING", None)
                    self._run = {"run_id": info["run_id"], "experiment_id": info.get("experiment_id", ""),
                                 "artifact_uri": info.get("artifact_uri", "")}
            except TrackerError as error:
                if not error.retryable:
                    raise
                self._failed(error)
        self._thread = threading.Thread(target=self._loop, name=f"track-sender-{self.run_key[:8]}", daemon=True)
        self._thread.start()
        _track_until_exit(self)

    # ------------------------------------------------------------------------------------------
    # Public API

    @property
    def run_id(self) -> Optional[str]:
        run = self._run
        return run["run_id"] if run else None

    @property
    def spool_file(self) -> Optional[str]:
        spool = self._spool
        return spool.path if spool else None

    @property
    def is_spooling(self) -> bool:
        return self._spool is not None

    def log_metric(self, key: str, value: float, step: int = 0, timestamp: Optional[int] = None) -> None:
        """Appends a point (stamped now) and returns: no I/O."""
        point = (key, float(value), int(step), int(timestamp) if timestamp is not None else int(time.time() * 1000))
        with self._lock:
            if self._closed:
                return
            self._metrics.append(point)
            size = len(self._metrics)
        if size == self.config.flush_points:
            self._wake.set()

    def log_metrics(self, metrics: Mapping[str, float], step: int = 0) -> None:
        stamp = int(time.time() * 1000)
        with self._lock:
            if self._closed:
                return
            for key, value in metrics.items():
                self._metrics.append((key, float(value), int(step), stamp))
            size = len(self._metrics)
        if size >= self.config.flush_points:
            self._wake.set()

    def log_param(self, key: str, value: Any) -> None:
        with self._lock:
            if not self._closed:
                self._params.append({"key": key, "value": str(value)})

    def log_params(self, params: Mapping[str, Any]) -> None:
        for key, value in sorted(params.items()):
            self.log_param(key, value)

    def set_tag(self, key: str, value: Any) -> None:
        with self._lock:
            if not self._closed:
                self._tags.append({"key": key, "value": str(value)})

    def log_artifact(self, local_path: str, artifact_path: Optional[str] = None) -> None:
        """Uploads a file or folder (waits). When the server is away it is recorded in the spool by
        reference and uploaded on sync."""
        if not os.path.exists(local_path):
            raise TrackerError("invalid_input", f"no file at {local_path}")
        done, box = threading.Event(), []
        with self._lock:
            if self._closed:
                raise TrackerError("finished", "the run has finished")
            self._artifacts.append((os.path.abspath(local_path), artifact_path, done, box))
        self._wake.set()
        done.wait()
        if box and box[0] is not None:
            raise box[0]

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until everything logged so far reached the server, or the spool (fsync'd)."""
        event = threading.Event()
        with self._lock:
            if not self._thread.is_alive():
                return True
            self._flush_requests.append(event)
        self._wake.set()
        return event.wait(timeout)

    def finish(self, status: str = "FINISHED") -> None:
        """Flushes, then marks the run ended. Spooled data (server away) is not an error."""
        event = threading.Event()
        with self._lock:
            if self._finish is None and self._thread.is_alive():
                self._finish = (status, event)
                self._closed = True
            else:
                event = None
        if event is not None:
            self._wake.set()
            event.wait()
        self._thread.join()
        _unfinished.discard(self)
        if self._finish_result is not None:
            raise self._finish_result

    def __enter__(self) -> "Tracker":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.finish("FINISHED")
        else:
            self.finish("KILLED" if issubclass(exc_type, KeyboardInterrupt) else "FAILED")

    # ------------------------------------------------------------------------------------------
    # Sender thread

    def _report(self, error: TrackerError) -> None:
        self.last_error = error
        if self.config.on_error:
            try:
                self.config.on_error(error)
            except Exception:  # noqa: BLE001 - a callback must not kill the sender
                pass

    def _loop(self) -> None:
        while True:
            self._wake.wait(self._timeout())
            self._wake.clear()
            with self._lock:
                flushes, self._flush_requests = self._flush_requests, []
                finishing = self._finish
            self._drain()
            self._periodic(finishing is not None)
            self._pump()
            if not self._pending_metrics and not self._pending_params and not self._pending_tags and not self._artifacts:
                if self._spool:
                    self._spool.sync()
                if finishing is not None:
                    self._complete(finishing[0])
                    for event in flushes:
                        event.set()
                    with self._lock:
                        late, self._flush_requests = self._flush_requests, []
                    for event in late:
                        event.set()
                    finishing[1].set()
                    return
                for event in flushes:
                    event.set()
            else:
                with self._lock:
                    self._flush_requests = flushes + self._flush_requests

    def _timeout(self) -> float:
        now = time.monotonic()
        deadline = now + self.config.flush_interval
        if self._retry_at is not None:
            deadline = min(deadline, self._retry_at)
        if self._spool is not None and not self.config.offline:
            deadline = min(deadline, self._next_probe)
        if self._next_heartbeat is not None and self._spool is None:
            deadline = min(deadline, self._next_heartbeat)
        return max(0.001, deadline - now)

    def _drain(self) -> None:
        with self._lock:
            metrics, self._metrics = self._metrics, deque()
            params, self._params = self._params, []
            tags, self._tags = self._tags, []
        invalid = set()
        for key, value, step, stamp in metrics:
            if key in invalid:
                continue
            if not _valid_name(key):
                invalid.add(key)
                self._report(TrackerError("invalid_input", f"metric {key!r} dropped: invalid name"))
                continue
            self._pending_metrics.append(metric_json(key, value, stamp, step))
        self._pending_params.extend(params)
        self._pending_tags.extend(tags)
        if self._spool is None and self.config.spool_enabled and self._pending_count() > self.config.max_pending_points:
            self._enter_spool(f"the server is falling behind (more than {self.config.max_pending_points} points queued)")

    def _pending_count(self) -> int:
        return len(self._pending_metrics) + len(self._pending_params) + len(self._pending_tags)

    def _periodic(self, finishing: bool) -> None:
        now = time.monotonic()
        if self._next_heartbeat is not None and now >= self._next_heartbeat:
            if self._spool is None and not finishing:
                self._pending_tags.append({"key": HEARTBEAT_TAG, "value": str(now_ms())})
            self._next_heartbeat = now + (self.config.heartbeat_interval or 30.0)

    def _next_batch(self) -> Dict[str, list]:
        batch: Dict[str, list] = {"metrics": [], "params": [], "tags": []}
        seen = set()
        for param in self._pending_params:
            if len(batch["params"]) >= MAX_PARAMS or param["key"] in seen:
                break
            seen.add(param["key"])
            batch["params"].append(param)
        batch["tags"] = self._pending_tags[:MAX_TAGS]
        room = min(MAX_METRICS, MAX_ENTITIES - len(batch["params"]) - len(batch["tags"]))
        metrics = batch["metrics"]
        for index, metric in enumerate(self._pending_metrics):
            if index >= room:
                break
            metrics.append(metric)
        return batch

    def _consume(self, batch: Dict[str, list]) -> None:
        del self._pending_params[:len(batch["params"])]
        del self._pending_tags[:len(batch["tags"])]
        for _ in range(len(batch["metrics"])):
            self._pending_metrics.popleft()

    def _pump(self) -> None:
        if self._spool is not None:
            self._spool_pending()
            self._heal()
            return
        if self._retry_at is not None and time.monotonic() < self._retry_at:
            return
        self._retry_at = None
        if self._run is None:
            try:
                self._create_run()
                self._succeeded()
            except TrackerError as error:
                self._failed(error)
                if self._spool is not None:
                    self._spool_pending()
                return
        while self._pending_count():
            batch = self._next_batch()
            try:
                deliver(self.client, self._run["run_id"], batch, self._report)
            except TrackerError as error:
                self._failed(error)
                if self._spool is not None:
                    self._spool_pending()
                return
            self._consume(batch)
            self.delivered += len(batch["metrics"])
            self._succeeded()
            self._drain()
            if self._spool is not None:
                self._spool_pending()
                return
        while self._artifacts:
            local, path, done, box = self._artifacts[0]
            try:
                if not self._run.get("artifact_uri"):
                    self._run["artifact_uri"] = self.client.get_run(self._run["run_id"])["info"]["artifact_uri"]
                self.client.upload_artifact(local, path, self._run["artifact_uri"])
                box.append(None)
                self._succeeded()
            except TrackerError as error:
                if error.retryable:
                    self._failed(error)
                    if self._spool is not None:
                        self._spool_pending()
                    return
                box.append(error)
            self._artifacts.pop(0)
            done.set()

    def _create_run(self) -> None:
        creation = self._creation
        if creation is None:
            return
        if self._experiment_id is None:
            self._experiment_id = self.client.experiment_id(creation["experiment_name"])
        self._create_attempts += 1
        if self._create_attempts > 1:
            existing = self.client.find_run(self._experiment_id, self.run_key)
            if existing:
                self._set_run(existing)
                return
        info = self.client.create_run(self._experiment_id, creation["run_name"], creation["start_time"],
                                      creation["user_id"], creation["tags"])
        self._set_run(info)

    def _set_run(self, info: Dict[str, Any]) -> None:
        self._run = {"run_id": info["run_id"], "experiment_id": info.get("experiment_id", ""),
                     "artifact_uri": info.get("artifact_uri", "")}

    def _succeeded(self) -> None:
        self._failure_since = None
        self._failures = 0
        self._retry_at = None

    def _failed(self, error: TrackerError) -> None:
        now = time.monotonic()
        if not error.retryable:
            self._report(error)
            if self.config.spool_enabled:
                self._enter_spool()
            else:
                self._retry_at = now + self.config.retry_max
            return
        if self._failure_since is None:
            self._failure_since = now
        self._failures += 1
        if self.config.spool_enabled and now - self._failure_since >= self.config.spool_after:
            self._enter_spool()
        if self._spool is None:
            delay = min(self.config.retry_max, self.config.retry_initial * (2 ** min(self._failures - 1, 30)))
            self._retry_at = now + delay * (1 + random.uniform(-0.25, 0.25))

    # Spool ------------------------------------------------------------------------------------

    def _enter_spool(self, reason: Optional[str] = None) -> None:
        if self._spool is not None:
            return
        try:
            writer = SpoolWriter(default_spool_dir(self.config.spool_dir), self.run_key, self.client.url)
            if self._run is not None:
                writer.append("run", {"run_key": self.run_key, **self._run})
            elif self._creation is not None:
                creation = self._creation
                record = {"run_key": self.run_key, "experiment_name": creation["experiment_name"],
                          "start_time": creation["start_time"], "user_id": creation["user_id"],
                          "tags": [{"key": k, "value": v} for k, v in creation["tags"]]}
                if self._experiment_id:
                    record["experiment_id"] = self._experiment_id
                if creation["run_name"]:
                    record["run_name"] = creation["run_name"]
                writer.append("create_run", record)
            writer.sync()
        except OSError as error:
            self._report(TrackerError("spool", str(error)))
            self._retry_at = time.monotonic() + self.config.retry_max
            return
        self._spool = writer
        self._retry_at = None
        self._next_probe = time.monotonic() + self.config.probe_interval
        if not self.config.offline and not self._announced_spool:
            self._announced_spool = True
            why = reason or f"the server at {self.client.url} is not answering"
            sys.stderr.write(f"track: {why}; spooling run data to {writer.path} "
                             f"(it is uploaded when the server is back, or by `track sync`)\n")

    def _spool_pending(self) -> None:
        spool = self._spool
        try:
            while self._pending_count():
                batch = self._next_batch()
                spool.append("log_batch", batch)
                self._consume(batch)
                self.spooled += len(batch["metrics"])
            while self._artifacts:
                local, path, done, box = self._artifacts.pop(0)
                record = {"local_path": local}
                if path:
                    record["artifact_path"] = path
                spool.append("artifact", record)
                box.append(None)
                done.set()
            spool.sync_if_due()
        except OSError as error:
            self._report(TrackerError("spool", str(error)))

    def _heal(self, force: bool = False) -> None:
        spool = self._spool
        if spool is None or self.config.offline:
            return
        now = time.monotonic()
        if not force and now < self._next_probe:
            return
        self._next_probe = now + self.config.probe_interval
        if not self.client.healthy():
            return
        spool.sync()
        result = replay(spool.path, self.client, attempts=3, known_run=self._run, report=self._report)
        if result["outcome"] != "synced" or not result["run_id"]:
            return
        if self._run is None:
            self._run = {"run_id": result["run_id"], "experiment_id": self._experiment_id or "", "artifact_uri": ""}
        spool.close()
        mark_synced(spool.path)
        self._spool = None
        self._succeeded()

    def _complete(self, status: str) -> None:
        end_time = now_ms()
        while self._spool is None:
            try:
                if self._run is None:
                    self._create_run()  # nothing was sent yet, but the run must exist
                self.client.update_run(self._run["run_id"], status, end_time)
                return
            except TrackerError as error:
                if not error.retryable:
                    self._report(error)
                    self._finish_result = error
                    return
                self._failed(error)
                if self._spool is None and self._retry_at is not None:
                    time.sleep(max(0.0, self._retry_at - time.monotonic()))
        spool = self._spool
        if spool is None:
            return
        try:
            spool.append("update_run", {"status": status, "end_time": end_time})
            spool.sync()
        except OSError as error:
            self._finish_result = TrackerError("spool", str(error))
            return
        self._heal(force=True)
        if self._spool is not None:
            self._spool.close()
            if not self.config.offline:
                sys.stderr.write(f"track: run data left in {self._spool.path}; upload it with `track sync`\n")

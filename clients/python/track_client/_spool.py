"""The on-disk spool (docs/SPOOL.md, version 1): writer, reader and sync."""
from __future__ import annotations

import fcntl
import json
import os
import random
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._client import RUN_KEY_TAG, TrackerError, TrackingClient, chunk, deliver, dumps, parse_float, \
    MAX_ENTITIES, MAX_PARAMS, MAX_TAGS

SPOOL_VERSION = 1
FORMAT = "track-spool"
SYNCED_SUFFIX = ".synced"


def now_ms() -> int:
    return int(time.time() * 1000)


def default_spool_dir(explicit: Optional[str] = None) -> str:
    if explicit:
        return explicit
    if os.environ.get("TRACK_SPOOL"):
        return os.environ["TRACK_SPOOL"]
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "track", "spool")


def pending_files(directory: Optional[str] = None) -> List[str]:
    folder = default_spool_dir(directory)
    try:
        names = [n for n in os.listdir(folder) if n.endswith(".jsonl") and not n.startswith(".")]
    except OSError:
        return []
    paths = [os.path.join(folder, n) for n in names]
    return sorted(paths, key=lambda p: (os.path.getmtime(p), os.path.basename(p)))


class SpoolWriter:
    """Appends records to <dir>/<run_key>-<NNN>.jsonl under an exclusive flock."""

    def __init__(self, directory: str, run_key: str, tracking_uri: str, client: str = "python-track-client"):
        os.makedirs(directory, exist_ok=True)
        segment = 1
        while True:
            path = os.path.join(directory, f"{run_key}-{segment:03d}.jsonl")
            if os.path.exists(path + SYNCED_SUFFIX):
                segment += 1
                continue
            try:
                self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
                break
            except FileExistsError:
                segment += 1
        self.path = path
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.seq = 0
        self.unsynced = False
        self.last_sync = time.monotonic()
        self.append("header", {"format": FORMAT, "v": SPOOL_VERSION, "run_key": run_key, "client": client,
                               "tracking_uri": tracking_uri, "created": now_ms()})
        self.sync()

    def append(self, record_type: str, members: Dict[str, Any]) -> None:
        record = {"seq": self.seq, "type": record_type}
        record.update(members)
        line = (dumps(record) + "\n").encode("utf-8")
        self.seq += 1
        view = memoryview(line)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        self.unsynced = True

    def sync(self) -> None:
        if self.fd >= 0 and self.unsynced:
            os.fsync(self.fd)
            self.unsynced = False
            self.last_sync = time.monotonic()

    def sync_if_due(self, interval: float = 1.0) -> None:
        if self.unsynced and time.monotonic() - self.last_sync >= interval:
            self.sync()

    def close(self) -> None:
        if self.fd >= 0:
            self.sync()
            os.close(self.fd)
            self.fd = -1


def read_spool(path: str) -> Tuple[Optional[Dict[str, Any]], List[Dict[str, Any]], int]:
    """(header, records, ignored_lines). Lines that don't end with a newline or aren't JSON objects
    (a record half-written when the writer died) are ignored."""
    with open(path, "rb") as handle:
        data = handle.read()
    header, records, ignored = None, [], 0
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty, or an incomplete record
    if tail.strip():
        ignored += 1
    first = True
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            ignored += 1
            continue
        if not isinstance(record, dict):
            ignored += 1
            continue
        if first and record.get("type") == "header":
            header = record
        else:
            records.append(record)
        first = False
    return header, records, ignored


def mark_synced(path: str) -> None:
    os.replace(path, path + SYNCED_SUFFIX)


def _retrying(operation: Callable[[], Any], attempts: int, base: float = 0.1, cap: float = 2.0):
    attempt = 0
    while True:
        try:
            return operation()
        except TrackerError as error:
            if not error.retryable or attempt + 1 >= attempts:
                raise
            delay = min(cap, base * (2 ** attempt)) * (1 + random.uniform(-0.25, 0.25))
            time.sleep(max(0.0, delay))
            attempt += 1


def replay(path: str, client: TrackingClient, attempts: int = 5, known_run: Optional[Dict[str, str]] = None,
           report: Optional[Callable[[TrackerError], None]] = None) -> Dict[str, Any]:
    """Replays a spool file (no locking, no renaming). Returns a result dict with "outcome"
    ("synced", "failed", "unsupported"), "run_id", "records", "metrics", "ignored_lines", "refused", "error"."""
    result: Dict[str, Any] = {"file": path, "outcome": "failed", "run_id": None, "records": 0, "metrics": 0,
                              "ignored_lines": 0, "refused": [], "error": None}
    try:
        header, records, ignored = read_spool(path)
    except OSError as error:
        result["error"] = TrackerError("spool", str(error))
        return result
    result["ignored_lines"] = ignored
    if not header or header.get("format") != FORMAT or not isinstance(header.get("v"), int):
        result["outcome"] = "unsupported"
        result["error"] = TrackerError("spool", f"{os.path.basename(path)} has no track-spool header")
        return result
    if header["v"] > SPOOL_VERSION:
        result["outcome"] = "unsupported"
        result["error"] = TrackerError("spool", f"spool format v{header['v']} is newer than v{SPOOL_VERSION}")
        return result
    run: Optional[Dict[str, str]] = dict(known_run) if known_run else None
    result["run_id"] = run["run_id"] if run else None
    refused: List[TrackerError] = result["refused"]
    try:
        for record in records:
            kind = record.get("type")
            if kind == "create_run" and run is None:
                experiment_id = record.get("experiment_id") or _retrying(
                    lambda: client.experiment_id(record.get("experiment_name") or "Default"), attempts)
                key = record.get("run_key") or header.get("run_key")
                tags = [(t["key"], t["value"]) for t in record.get("tags") or []]
                if not any(k == RUN_KEY_TAG for k, _ in tags):
                    tags.append((RUN_KEY_TAG, key))

                def create():
                    existing = client.find_run(experiment_id, key)
                    if existing:
                        return existing
                    return client.create_run(experiment_id, record.get("run_name"),
                                             record.get("start_time") or now_ms(), record.get("user_id") or "", tags)
                info = _retrying(create, attempts)
                run = {"run_id": info["run_id"], "experiment_id": info.get("experiment_id", ""),
                       "artifact_uri": info.get("artifact_uri", "")}
                result["run_id"] = run["run_id"]
            elif kind == "run" and run is None:
                run = {"run_id": record["run_id"], "experiment_id": record.get("experiment_id", ""),
                       "artifact_uri": record.get("artifact_uri", "")}
                result["run_id"] = run["run_id"]
            elif kind == "log_batch":
                if run is None:
                    raise TrackerError("spool", "log_batch before the run is known")
                metrics = record.get("metrics") or []
                params = record.get("params") or []
                tags = record.get("tags") or []
                for metric in metrics:  # validate and normalise
                    metric["value"] = _normalised(metric["value"])
                parts = [{"metrics": metrics, "params": params, "tags": tags}]
                if len(metrics) + len(params) + len(tags) > MAX_ENTITIES or len(params) > MAX_PARAMS or len(tags) > MAX_TAGS:
                    parts = chunk(metrics, params, tags)
                for part in parts:
                    errors: List[TrackerError] = []

                    def send(part=part, errors=errors):
                        errors.clear()
                        deliver(client, run["run_id"], part, errors.append)
                    _retrying(send, attempts)
                    refused.extend(errors)
                result["metrics"] += len(metrics)
            elif kind == "update_run":
                if run is None:
                    raise TrackerError("spool", "update_run before the run is known")
                try:
                    _retrying(lambda: client.update_run(run["run_id"], record.get("status", "FINISHED"),
                                                        record.get("end_time")), attempts)
                except TrackerError as error:
                    if not error.caller_fault:
                        raise
                    refused.append(error)
            elif kind == "artifact":
                if run is None:
                    raise TrackerError("spool", "artifact before the run is known")
                if not run.get("artifact_uri"):
                    run["artifact_uri"] = _retrying(lambda: client.get_run(run["run_id"]), attempts)["info"]["artifact_uri"]
                try:
                    _retrying(lambda: client.upload_artifact(record.get("local_path", ""), record.get("artifact_path"),
                                                             run["artifact_uri"]), attempts)
                except TrackerError as error:
                    if not error.caller_fault:
                        raise
                    refused.append(error)
            result["records"] += 1
    except TrackerError as error:
        result["error"] = error
        return result
    if report:
        for error in refused:
            report(error)
    result["outcome"] = "synced"
    return result


def _normalised(value: Any) -> Any:
    number = parse_float(value)
    if number != number:
        return "NaN"
    if number in (float("inf"), float("-inf")):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def sync_file(path: str, client: TrackingClient, attempts: int = 5) -> Dict[str, Any]:
    """Replays one file under its flock and renames it to *.synced when all of it was accepted."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as error:
        return {"file": path, "outcome": "failed", "error": TrackerError("spool", str(error))}
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return {"file": path, "outcome": "in_use", "error": None}
        result = replay(path, client, attempts)
        if result["outcome"] == "synced":
            mark_synced(path)
        return result
    finally:
        os.close(fd)


def sync_all(directory: Optional[str] = None, client: Optional[TrackingClient] = None, attempts: int = 5) -> List[Dict[str, Any]]:
    client = client or TrackingClient()
    return [sync_file(path, client, attempts) for path in pending_files(directory)]

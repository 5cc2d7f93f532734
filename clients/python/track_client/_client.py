"""The MLflow REST calls the tracker makes (urllib, one attempt each)."""
from __future__ import annotations

import base64
import json
import math
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

RUN_KEY_TAG = "track.run_key"
DEFAULT_URL = "http://127.0.0.1:5000"


class TrackerError(Exception):
    """An error from the server (``status``, MLflow ``code``), the network or the spool."""

    def __init__(self, kind: str, message: str, status: Optional[int] = None, code: Optional[str] = None):
        super().__init__(message)
        self.kind = kind  # "server", "transport", "spool", "invalid_input", "finished"
        self.message = message
        self.status = status
        self.code = code

    @property
    def retryable(self) -> bool:
        if self.kind == "transport":
            return True
        if self.kind == "server" and self.status is not None:
            return self.status in (408, 429) or self.status >= 500
        return False

    @property
    def caller_fault(self) -> bool:
        return (self.kind == "server" and not self.retryable) or self.kind == "invalid_input"

    def __str__(self) -> str:
        if self.kind == "server":
            return f"server error {self.status}{' ' + self.code if self.code else ''}: {self.message}"
        return f"{self.kind} error: {self.message}"


@dataclass
class Credentials:
    username: Optional[str] = None
    password: Optional[str] = None
    token: Optional[str] = None

    def header(self) -> Optional[str]:
        if self.token:
            return "Bearer " + self.token
        if self.username is not None and self.password is not None:
            raw = f"{self.username}:{self.password}".encode("utf-8")
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    @staticmethod
    def from_env() -> Optional["Credentials"]:
        token = os.environ.get("MLFLOW_TRACKING_TOKEN")
        if token:
            return Credentials(token=token)
        user, password = os.environ.get("MLFLOW_TRACKING_USERNAME"), os.environ.get("MLFLOW_TRACKING_PASSWORD")
        if user is not None and password is not None:
            return Credentials(username=user, password=password)
        return None


def resolve_url(url: Optional[str] = None) -> str:
    """The argument, else TRACK_URL, else MLFLOW_TRACKING_URI (http/https), else http://127.0.0.1:5000."""
    if url:
        return url.rstrip("/")
    for name in ("TRACK_URL", "MLFLOW_TRACKING_URI"):
        value = os.environ.get(name, "").strip()
        if value.startswith(("http://", "https://")):
            return value.rstrip("/")
    return DEFAULT_URL


def _json_float(value: float) -> Any:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def parse_float(value: Any) -> float:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("nan", "+nan", "-nan"):
            return math.nan
        if lowered in ("infinity", "+infinity", "inf", "+inf"):
            return math.inf
        if lowered in ("-infinity", "-inf"):
            return -math.inf
    return float(value)


def metric_json(key: str, value: float, timestamp: int, step: int) -> Dict[str, Any]:
    return {"key": key, "value": _json_float(float(value)), "timestamp": int(timestamp), "step": int(step)}


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class TrackingClient:
    """One attempt per call; raises TrackerError."""

    def __init__(self, url: Optional[str] = None, credentials: Optional[Credentials] = None, timeout: float = 15.0):
        self.url = resolve_url(url)
        self.credentials = credentials if credentials is not None else Credentials.from_env()
        self.timeout = timeout

    def _request(self, method: str, path: str, body: Optional[bytes] = None,
                 content_type: str = "application/json", timeout: Optional[float] = None) -> bytes:
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", content_type)
        header = self.credentials.header() if self.credentials else None
        if header:
            request.add_header("Authorization", header)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            data = error.read() or b""
            code, message = None, data.decode("utf-8", "replace")[:2000] or str(error.reason)
            try:
                parsed = json.loads(data)
                code = parsed.get("error_code")
                message = parsed.get("message", message)
            except (ValueError, AttributeError):
                pass
            raise TrackerError("server", message, status=error.code, code=code) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise TrackerError("transport", f"{self.url}{path}: {error}") from None

    def post(self, endpoint: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        data = self._request("POST", "/api/2.0/mlflow/" + endpoint, dumps(payload).encode("utf-8"))
        return json.loads(data) if data.strip() else {}

    def get(self, endpoint: str, query: List[Tuple[str, str]]) -> Dict[str, Any]:
        data = self._request("GET", "/api/2.0/mlflow/" + endpoint + "?" + urllib.parse.urlencode(query))
        return json.loads(data) if data.strip() else {}

    def healthy(self) -> bool:
        try:
            self._request("GET", "/health", timeout=min(self.timeout, 5.0))
            return True
        except TrackerError:
            return False

    def experiment_id(self, name: str) -> str:
        try:
            return self.get("experiments/get-by-name", [("experiment_name", name)])["experiment"]["experiment_id"]
        except TrackerError as error:
            if error.status != 404:
                raise
        try:
            return self.post("experiments/create", {"name": name})["experiment_id"]
        except TrackerError as error:
            if error.code != "RESOURCE_ALREADY_EXISTS":
                raise
            return self.get("experiments/get-by-name", [("experiment_name", name)])["experiment"]["experiment_id"]

    def create_run(self, experiment_id: str, run_name: Optional[str], start_time: int, user_id: str,
                   tags: List[Tuple[str, str]]) -> Dict[str, Any]:
        payload: Dict[str, Any] = {
            "experiment_id": experiment_id, "start_time": int(start_time), "user_id": user_id,
            "tags": [{"key": k, "value": v} for k, v in tags],
        }
        if run_name:
            payload["run_name"] = run_name
        return self.post("runs/create", payload)["run"]["info"]

    def find_run(self, experiment_id: str, run_key: str) -> Optional[Dict[str, Any]]:
        answer = self.post("runs/search", {
            "experiment_ids": [experiment_id], "filter": f"tags.`{RUN_KEY_TAG}` = '{run_key}'",
            "run_view_type": "ALL", "max_results": 1,
        })
        runs = answer.get("runs") or []
        return runs[0]["info"] if runs else None

    def get_run(self, run_id: str) -> Dict[str, Any]:
        return self.get("runs/get", [("run_id", run_id)])["run"]

    def update_run(self, run_id: str, status: str, end_time: Optional[int]) -> None:
        payload: Dict[str, Any] = {"run_id": run_id, "status": status}
        if end_time is not None:
            payload["end_time"] = int(end_time)
        self.post("runs/update", payload)

    def log_batch(self, run_id: str, batch: Dict[str, list]) -> None:
        self.post("runs/log-batch", {"run_id": run_id, **batch})

    def upload_artifact(self, local_path: str, artifact_path: Optional[str], artifact_uri: str) -> None:
        prefix = "mlflow-artifacts:"
        if not artifact_uri.startswith(prefix):
            raise TrackerError("invalid_input", f"artifact URI {artifact_uri!r} is not served by the tracking server")
        rest = artifact_uri[len(prefix):]
        if rest.startswith("//"):
            rest = rest[2:]
            rest = rest[rest.find("/"):] if "/" in rest else ""
        root = "/".join(p for p in rest.split("/") if p)
        if not os.path.exists(local_path):
            raise TrackerError("invalid_input", f"no file at {local_path}")
        base = "/".join(p for p in (root, artifact_path or "") if p)
        files: List[Tuple[str, str]] = []
        if os.path.isdir(local_path):
            top = os.path.basename(os.path.normpath(local_path))
            for folder, _, names in os.walk(local_path):
                for name in sorted(names):
                    full = os.path.join(folder, name)
                    relative = os.path.relpath(full, local_path).replace(os.sep, "/")
                    files.append((full, f"{base}/{top}/{relative}".lstrip("/")))
        else:
            files.append((local_path, f"{base}/{os.path.basename(local_path)}".lstrip("/")))
        for full, store_path in files:
            with open(full, "rb") as handle:
                data = handle.read()
            quoted = "/".join(urllib.parse.quote(part, safe="") for part in store_path.split("/"))
            self._request("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + quoted, data, "application/octet-stream")


# ----------------------------------------------------------------------------------------------
# Batches

MAX_METRICS, MAX_PARAMS, MAX_TAGS, MAX_ENTITIES = 1000, 100, 100, 1000


def batch_size(batch: Dict[str, list]) -> int:
    return len(batch.get("metrics", ())) + len(batch.get("params", ())) + len(batch.get("tags", ()))


def halves(batch: Dict[str, list]):
    entities = [("params", e) for e in batch.get("params", [])] + [("tags", e) for e in batch.get("tags", [])] + \
               [("metrics", e) for e in batch.get("metrics", [])]
    middle = len(entities) // 2
    result = []
    for part in (entities[:middle], entities[middle:]):
        out: Dict[str, list] = {"metrics": [], "params": [], "tags": []}
        for kind, entity in part:
            out[kind].append(entity)
        result.append(out)
    return result


def deliver(client: TrackingClient, run_id: str, batch: Dict[str, list], report) -> None:
    """Sends a batch. Retryable errors are raised (resend the same batch later: log-batch stores an
    exact duplicate point once). A refused INVALID_PARAMETER_VALUE batch is split until the refused
    entities are isolated; those are reported and dropped."""
    if batch_size(batch) == 0:
        return
    try:
        client.log_batch(run_id, batch)
    except TrackerError as error:
        if error.retryable:
            raise
        if error.code == "INVALID_PARAMETER_VALUE" and batch_size(batch) > 1:
            for half in halves(batch):
                deliver(client, run_id, half, report)
        else:
            report(error)


def chunk(metrics: list, params: list, tags: list) -> List[Dict[str, list]]:
    """Splits into batches within the server's limits, never two params with one key in a batch."""
    batches = []
    mi = pi = ti = 0
    while mi < len(metrics) or pi < len(params) or ti < len(tags):
        batch: Dict[str, list] = {"metrics": [], "params": [], "tags": []}
        seen = set()
        while pi < len(params) and len(batch["params"]) < MAX_PARAMS and params[pi]["key"] not in seen:
            seen.add(params[pi]["key"])
            batch["params"].append(params[pi])
            pi += 1
        take = min(MAX_TAGS, len(tags) - ti)
        batch["tags"] = tags[ti:ti + take]
        ti += take
        room = min(MAX_METRICS, MAX_ENTITIES - len(batch["params"]) - len(batch["tags"]))
        batch["metrics"] = metrics[mi:mi + room]
        mi += len(batch["metrics"])
        batches.append(batch)
    return batches

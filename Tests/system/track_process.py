"""`track server` as a child process, and a small HTTP client, for the system tests.

Standard library only. The binary is `$TRACK_BIN`, else `<repo>/.build/debug/track`.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def track_bin() -> Path:
    return Path(os.environ.get("TRACK_BIN") or REPO_ROOT / ".build" / "debug" / "track")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_track(*args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(track_bin()), *args], input=stdin, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"track {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


class Server:
    """One `track server` on a data folder; `kill()` is SIGKILL, `stop()` is SIGTERM."""

    def __init__(self, data_dir: Path, *extra: str):
        self.data_dir = Path(data_dir)
        self.extra = list(extra)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 60) -> "Server":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(track_bin()), "server", "--port", str(self.port), "--data-dir", str(self.data_dir), "--log-level", "warning", *self.extra],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"track server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                status, _, _ = Client(self.url, timeout=2).request("GET", "/health")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"track server did not become healthy:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-5000:]
        except OSError:
            return ""

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def stop(self) -> int:
        if not self.proc:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self.proc = None
        return code

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0


class Client:
    """One keep-alive HTTP connection; not thread-safe (one per thread)."""

    def __init__(self, url: str, timeout: float = 60, auth: tuple[str, str] | None = None, headers: dict | None = None):
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port, self.timeout = host, int(port), timeout
        self.headers = dict(headers or {})
        if auth:
            self.headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        all_headers = {**self.headers, **(headers or {})}
        try:
            self.connection.request(method, path, body=body, headers=all_headers)
            response = self.connection.getresponse()
            data = response.read()
        except Exception:
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def post(self, endpoint: str, payload: dict) -> tuple[int, dict]:
        status, _, data = self.request(
            "POST", "/api/2.0/mlflow/" + endpoint, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        return status, json.loads(data or b"{}")

    def get(self, endpoint: str, **query) -> tuple[int, dict]:
        from urllib.parse import urlencode

        path = "/api/2.0/mlflow/" + endpoint + ("?" + urlencode(query) if query else "")
        status, _, data = self.request("GET", path)
        return status, json.loads(data or b"{}")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def history(client: Client, run_id: str, key: str) -> list[dict]:
    """The whole history of a metric, paged as the mlflow client pages it."""
    points: list[dict] = []
    token = None
    while True:
        query = {"run_id": run_id, "metric_key": key, "max_results": 25000}
        if token:
            query["page_token"] = token
        status, answer = client.get("metrics/get-history", **query)
        assert status == 200, answer
        points.extend(answer.get("metrics", []))
        token = answer.get("next_page_token")
        if not token:
            return points


def tree(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` (links are listed as such, not followed)."""
    result: dict[str, bytes] = {}
    for path in sorted(Path(folder).rglob("*")):
        relative = str(path.relative_to(folder))
        if path.is_symlink():
            result[relative] = b"<link>"
        elif path.is_file():
            result[relative] = path.read_bytes()
    return result

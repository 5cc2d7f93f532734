"""Fixtures: the real `track server` binary on a free loopback port with a fresh data dir.

The binary is $TRACK_BIN, default <repo>/.build/debug/track (build it with `swift build`).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
REPO_ROOT = HERE.parents[2]

for name in ("TRACK_URL", "MLFLOW_TRACKING_URI", "TRACK_SPOOL", "TRACK_SPOOL_AFTER", "TRACK_OFFLINE",
             "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
    os.environ.pop(name, None)


def track_bin() -> Path:
    return Path(os.environ.get("TRACK_BIN") or REPO_ROOT / ".build" / "debug" / "track")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> "Server":
        binary = track_bin()
        if not binary.exists():
            pytest.fail(f"track binary not found at {binary}; run `swift build` or set TRACK_BIN", pytrace=False)
        self.proc = subprocess.Popen(
            [str(binary), "server", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", str(self.data_dir),
             "--log-level", "warning"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"track server exited with {self.proc.returncode}", pytrace=False)
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        self.kill()
        pytest.fail("track server did not become healthy", pytrace=False)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    # Reading back -----------------------------------------------------------------------------

    def get(self, endpoint: str, **query) -> dict:
        url = f"{self.url}/api/2.0/mlflow/{endpoint}?{urllib.parse.urlencode(query)}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def history(self, run_id: str, key: str) -> list:
        return self.get("metrics/get-history", run_id=run_id, metric_key=key, max_results=100000).get("metrics", [])

    def run(self, run_id: str) -> dict:
        return self.get("runs/get", run_id=run_id)["run"]


@pytest.fixture
def server(tmp_path):
    srv = Server(tmp_path / "data").start()
    yield srv
    srv.kill()


@pytest.fixture
def make_server(tmp_path):
    servers = []

    def make(port=None):
        srv = Server(tmp_path / "data", port)
        servers.append(srv)
        return srv
    yield make
    for srv in servers:
        srv.kill()

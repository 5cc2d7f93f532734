"""Fixtures: the real `track server` binary on a free loopback port with a fresh data dir, the real
`track sync`, and a fault-injecting proxy for the failures a server can't be asked to produce.

The binary is $TRACK_BIN, default <repo>/.build/debug/track (build it with `swift build`).
`track_client` is imported as installed (`pip install ./clients/python`); when it is not
installed the source tree is used, unless TRACK_PY_REQUIRE_INSTALLED=1 (CI) forbids that.
"""
from __future__ import annotations

import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import pytest

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent
REPO_ROOT = HERE.parents[2]

try:
    import track_client  # noqa: F401
except ImportError:
    if os.environ.get("TRACK_PY_REQUIRE_INSTALLED") == "1":
        raise
    sys.path.insert(0, str(SOURCE_ROOT))
    import track_client  # noqa: F401

if os.environ.get("TRACK_PY_REQUIRE_INSTALLED") == "1" and Path(track_client.__file__).resolve().is_relative_to(SOURCE_ROOT):
    raise RuntimeError(f"track_client was imported from the source tree ({track_client.__file__}), not the installed package")

for name in ("TRACK_URL", "MLFLOW_TRACKING_URI", "TRACK_SPOOL", "TRACK_SPOOL_AFTER", "TRACK_OFFLINE",
             "MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
    os.environ.pop(name, None)

# Short timings so the failure paths run in seconds; the behaviour is the same as the defaults'.
FAST = dict(flush_interval=0.05, retry_initial=0.05, retry_max=0.3, probe_interval=0.2, request_timeout=5)


def track_bin() -> Path:
    return Path(os.environ.get("TRACK_BIN") or REPO_ROOT / ".build" / "debug" / "track")


def sibling_bin(name: str) -> Path:
    """Another product of the same build (e.g. train-demo), next to the track binary."""
    path = track_bin().parent / name
    if not path.exists():
        pytest.fail(f"{name} not found at {path}; build it with `swift build` (it is built with track)", pytrace=False)
    return path


def client_environment() -> Dict[str, str]:
    """The environment for a child Python that must import the same track_client as the tests."""
    env = dict(os.environ)
    package_parent = str(Path(track_client.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = package_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventually(what: str, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}", pytrace=False)
        time.sleep(0.01)


def run_track(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real `track` binary; stdout and stderr as text."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env["NO_COLOR"] = "1"
    return subprocess.run([str(track_bin()), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=timeout, env=env, text=True)


class Server:
    """`track server` as a child process. `kill()` is SIGKILL; `start()` again reuses the port and the
    data dir, as a restarted server would."""

    def __init__(self, data_dir: Path, port: Optional[int] = None):
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

    def post(self, endpoint: str, body: dict) -> dict:
        request = urllib.request.Request(f"{self.url}/api/2.0/mlflow/{endpoint}", data=json.dumps(body).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def history(self, run_id: str, key: str) -> list:
        return self.get("metrics/get-history", run_id=run_id, metric_key=key, max_results=100000).get("metrics", [])

    def run(self, run_id: str) -> dict:
        return self.get("runs/get", run_id=run_id)["run"]

    def run_ids(self, experiment: str) -> List[str]:
        experiment_id = self.get("experiments/get-by-name", experiment_name=experiment)["experiment"]["experiment_id"]
        runs = self.post("runs/search", {"experiment_ids": [experiment_id], "run_view_type": "ALL", "max_results": 1000})
        return [r["info"]["run_id"] for r in runs.get("runs", [])]

    def run_by_key(self, experiment: str, run_key: str) -> dict:
        experiment_id = self.get("experiments/get-by-name", experiment_name=experiment)["experiment"]["experiment_id"]
        runs = self.post("runs/search", {"experiment_ids": [experiment_id], "run_view_type": "ALL",
                                         "filter": f"tags.`track.run_key` = '{run_key}'"}).get("runs", [])
        assert len(runs) == 1, f"{len(runs)} runs carry the run key {run_key}"
        return runs[0]

    def artifact(self, artifact_uri: str, path: str) -> bytes:
        root = artifact_uri[len("mlflow-artifacts:"):].lstrip("/")
        with urllib.request.urlopen(f"{self.url}/api/2.0/mlflow-artifacts/artifacts/{root}/{path}", timeout=10) as response:
            return response.read()


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


# ----------------------------------------------------------------------------------------------
# Checking what arrived


def decode_value(value) -> float:
    if isinstance(value, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[value]
    return float(value)


def same_float(a: float, b: float) -> bool:
    """Bit-exact, NaN equal to NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def check_series(points: list, steps, window: Tuple[int, int], fn: Callable[[int], float]) -> None:
    """A series logged as fn(step) for each step with timestamps taken while logging: every step
    once, the exact value, a timestamp within the window, in the order logged."""
    steps = list(steps)
    got = [int(p["step"]) for p in points]
    assert len(points) == len(steps), f"{len(points)} points stored, {len(steps)} logged"
    assert sorted(got) == sorted(steps), "steps differ (missing or duplicated)"
    assert got == sorted(got), "not in the order logged"
    last_stamp = 0
    for p in points:
        assert same_float(decode_value(p["value"]), fn(int(p["step"]))), p
        stamp = int(p["timestamp"])
        assert window[0] <= stamp <= window[1], p
        assert stamp >= last_stamp, "timestamps go back"
        last_stamp = stamp


def check_exactly(points: list, logged: List[Tuple[int, int, float]]) -> None:
    """Stored points equal the logged (step, timestamp, value) triples, one for one."""
    assert len(points) == len(logged), f"{len(points)} points stored, {len(logged)} logged"
    stored = sorted((int(p["step"]), int(p["timestamp"]), decode_value(p["value"])) for p in points)
    wanted = sorted(logged, key=lambda t: (t[0], t[1]))
    bad = [(s, w) for s, w in zip(stored, wanted) if s[:2] != w[:2] or not same_float(s[2], w[2])]
    assert not bad, f"{len(bad)} points differ, e.g. stored {bad[0][0]} but logged {bad[0][1]}"


# ----------------------------------------------------------------------------------------------
# A fault-injecting proxy


class FaultProxy:
    """A loopback HTTP proxy in front of a server. Rules by request path substring:
    drop_answers[key] = n: forward the next n, then close the connection without answering (the
    server stored it, the client never hears back); fail_with[key] = (status, n): answer the next n
    with `status` without forwarding; hold: park every request until `release()` (a hung server).
    It records every request line and Authorization header."""

    def __init__(self, upstream: str):
        self.upstream = urllib.parse.urlparse(upstream)
        self.lock = threading.Lock()
        self.drop_answers: Dict[str, int] = {}
        self.fail_with: Dict[str, Tuple[int, int]] = {}
        self.requests: List[str] = []
        self.authorizations: List[str] = []
        self.held = 0
        self.holding = threading.Event()
        self.holding.set()  # set = not holding
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy.lock:
                    proxy.requests.append(f"{self.command} {self.path}")
                    if self.headers.get("Authorization"):
                        proxy.authorizations.append(self.headers["Authorization"])
                    fail = next(((k, v) for k, v in proxy.fail_with.items() if k in self.path and v[1] > 0), None)
                    if fail:
                        proxy.fail_with[fail[0]] = (fail[1][0], fail[1][1] - 1)
                    drop = next((k for k, v in proxy.drop_answers.items() if k in self.path and v > 0), None)
                    if drop:
                        proxy.drop_answers[drop] -= 1
                if fail:
                    payload = b'{"error_code":"TEMPORARILY_UNAVAILABLE","message":"injected"}'
                    self.send_response(fail[1][0])
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if not proxy.holding.is_set():
                    with proxy.lock:
                        proxy.held += 1
                    proxy.holding.wait()
                    with proxy.lock:
                        proxy.held -= 1
                connection = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                connection.close()
                if drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(answer.status)
                for key, value in answer.getheaders():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def hold(self) -> None:
        self.holding.clear()

    def release(self) -> None:
        self.holding.set()

    def stop(self) -> None:
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def proxy(server):
    fault_proxy = FaultProxy(server.url)
    yield fault_proxy
    fault_proxy.stop()

"""Fixtures for the interop suite: the official `mlflow` client against a real `track` server.

By default a `track server` subprocess is started once per session from `$TRACK_BIN`
(default: `<repo>/.build/debug/track`) on a free loopback port with a fresh data dir.

Set `TRACK_TEST_URL=http://127.0.0.1:5055` to run against an already running server instead
(e.g. a real `mlflow server`, to check that the tests themselves encode MLflow's behaviour);
tests that need to start their own server (restart/persistence) are skipped in that mode.
"""
from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

# The client reads these when it makes a request; set them before mlflow is imported anyway.
# No retries + a bounded timeout: a server bug must fail the test fast, not hang in backoff.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"
os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
os.environ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "30"
# Don't let a caller's environment pick an experiment for us.
os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
os.environ.pop("MLFLOW_EXPERIMENT_NAME", None)

import mlflow  # noqa: E402
import pytest  # noqa: E402

# mlflow2/ holds the MLflow 2 client's tests, run from a venv of their own (.ci/test).
collect_ignore = [] if mlflow.__version__.startswith("2.") else ["mlflow2"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRACK_BIN = REPO_ROOT / ".build" / "debug" / "track"

HEALTH_TIMEOUT_S = 30.0
SHUTDOWN_TIMEOUT_S = 10.0


def external_url() -> str | None:
    url = os.environ.get("TRACK_TEST_URL", "").strip()
    return url.rstrip("/") or None


def track_bin() -> Path:
    return Path(os.environ.get("TRACK_BIN") or DEFAULT_TRACK_BIN)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as r:
            return r.status == 200 and r.read().decode("utf-8", "replace").strip() == "OK"
    except (urllib.error.URLError, OSError, ValueError):
        return False


class _PortTaken(Exception):
    pass


class TrackServer:
    """One `track server` subprocess on a data dir. Logs (stdout+stderr) go to `log_path`."""

    def __init__(self, data_dir: Path, log_path: Path, port: int | None = None, extra_args: list[str] | None = None):
        self.extra_args = list(extra_args or [])
        self.data_dir = Path(data_dir)
        self.log_path = Path(log_path)
        self.fixed_port = port is not None
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self._log = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "<no log>"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "TrackServer":
        # The free port is picked before the server binds it; if another process grabbed it in
        # between, try again on a new port (other servers run on this machine too).
        for attempt in range(3):
            try:
                return self._start_once()
            except _PortTaken:
                if self.fixed_port or attempt == 2:
                    pytest.fail(f"port {self.port} is in use\n--- server log ---\n{self.log_text()}",
                                pytrace=False)
                self.port = free_port()

    def _start_once(self) -> "TrackServer":
        binary = track_bin()
        if not binary.exists():
            pytest.fail(
                f"track binary not found at {binary}; build it with `swift build` "
                "or point TRACK_BIN at it (or set TRACK_TEST_URL to use a running server)",
                pytrace=False,
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        log_start = self._log.tell()
        cmd = [
            str(binary), "server",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--data-dir", str(self.data_dir),
            "--log-level", "info",
            *self.extra_args,
        ]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if b"address already in use" in self.log_path.read_bytes()[log_start:].lower():
                    self._kill()
                    raise _PortTaken()
                pytest.fail(
                    f"track server exited early with code {self.proc.returncode}\n"
                    f"command: {' '.join(cmd)}\n--- server log ---\n{self.log_text()}",
                    pytrace=False,
                )
            if _health_ok(self.url):
                return self
            time.sleep(0.1)
        self._kill()
        pytest.fail(
            f"track server did not answer GET /health with OK within {HEALTH_TIMEOUT_S:.0f}s\n"
            f"command: {' '.join(cmd)}\n--- server log ---\n{self.log_text()}",
            pytrace=False,
        )

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None

    def stop(self, check: bool = True) -> int | None:
        """SIGTERM, wait up to 10 s, assert a clean exit (code 0)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=SHUTDOWN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._kill()
                if check:
                    pytest.fail(
                        f"track server did not exit within {SHUTDOWN_TIMEOUT_S:.0f}s of SIGTERM\n"
                        f"--- server log ---\n{self.log_text()[-20000:]}",
                        pytrace=False,
                    )
        rc = self.proc.returncode
        if self._log:
            self._log.close()
            self._log = None
        self.proc = None
        if check and rc != 0:
            pytest.fail(
                f"track server exited with code {rc} after SIGTERM (expected 0)\n"
                f"--- server log ---\n{self.log_text()[-20000:]}",
                pytrace=False,
            )
        return rc


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """URL of the server under test; sets the client's tracking URI for the whole session."""
    url = external_url()
    server = None
    if url is None:
        root = tmp_path_factory.mktemp("track-server")
        server = TrackServer(root / "data", root / "server.log").start()
        url = server.url
    os.environ["MLFLOW_TRACKING_URI"] = url
    mlflow.set_tracking_uri(url)
    try:
        yield url
    finally:
        if server is not None:
            server.stop(check=True)


@pytest.fixture
def client(server_url):
    return mlflow.MlflowClient(server_url)


@pytest.fixture(autouse=True)
def _no_leaked_runs(server_url):
    """Every test starts and ends without an active fluent run."""
    while mlflow.active_run() is not None:
        mlflow.end_run()
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def exp_name(request):
    """A fresh experiment name for this test (not yet created)."""
    return unique(f"interop-{request.node.name[:40]}")


@pytest.fixture
def track_server_factory(tmp_path):
    """Start extra `track server` instances (only when testing the binary, not TRACK_TEST_URL)."""
    if external_url() is not None:
        pytest.skip("needs to start its own track server; TRACK_TEST_URL is set")
    started: list[TrackServer] = []
    counter = [0]

    def start(data_dir: Path, port: int | None = None, extra_args: list[str] | None = None) -> TrackServer:
        counter[0] += 1
        srv = TrackServer(data_dir, tmp_path / f"server-{counter[0]}.log", port=port, extra_args=extra_args).start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop(check=False)


def assert_error_code(excinfo, code: str):
    """`excinfo` from pytest.raises(MlflowException): check the server's error_code name."""
    err = excinfo.value
    assert err.error_code == code, f"expected {code}, got {err.error_code}: {err}"


MAX_DOUBLE = 1.7976931348623157e308


def metric_value_matches(got: float, expected: float) -> bool:
    """Exact float equality, except: NaN must come back as NaN, and +/-inf may come back as
    +/-inf (our choice) or clamped to +/-1.7976931348623157e308 (what MLflow's SQL store does)."""
    if math.isnan(expected):
        return isinstance(got, float) and math.isnan(got)
    if math.isinf(expected):
        return got == expected or got == math.copysign(MAX_DOUBLE, expected)
    return got == expected and not (isinstance(got, float) and math.isnan(got))

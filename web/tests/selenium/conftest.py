"""Browser tests for the web UI: the real `track server` binary + headless Debian Chromium.

One server (fresh data dir, free loopback port, `--web-root <repo>/web`) and one browser per
session. Data is seeded over real HTTP to the MLflow REST API (see `Seed`). Every test fails on
SEVERE browser console entries it did not announce with `console.allow(...)`.

Environment:
  TRACK_BIN                  server binary (default <repo>/.build/debug/track)
  CHROMIUM_BIN               browser (default /usr/bin/chromium)
  CHROMEDRIVER               driver (default: `chromedriver` on PATH)
  TRACK_UI_SCREENSHOT_DIR    where screenshots go (default <repo>/docs/screenshots)

Selenium Manager is never involved: the driver and browser paths are passed explicitly.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import pytest

os.environ.setdefault("SE_OFFLINE", "true")  # belt and braces: Selenium Manager must not fetch

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[3]
WEB_ROOT = REPO_ROOT / "web"
SCREENSHOT_DIR = Path(os.environ.get("TRACK_UI_SCREENSHOT_DIR") or REPO_ROOT / "docs" / "screenshots")
VIEWPORT = (1400, 900)
HEALTH_TIMEOUT_S = 30.0
STEPS = 500

# ---------------------------------------------------------------------------------------------
# server


def track_bin() -> Path:
    return Path(os.environ.get("TRACK_BIN") or REPO_ROOT / ".build" / "debug" / "track")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root: Path, extra_args: list[str] | None = None):
        self.extra_args = list(extra_args or [])
        self.root = root
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = root / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-20000:]
        except OSError:
            return "<no log>"

    def start(self, port: int | None = None) -> "Server":
        """Start on a free port, or on `port` (a restart: same data, same address)."""
        binary = track_bin()
        if not binary.exists():
            pytest.fail(f"track binary not found at {binary}; run `swift build` or set TRACK_BIN", pytrace=False)
        for _ in range(1 if port else 3):
            self.port = port or free_port()
            log = open(self.log_path, "ab")
            start = log.tell()
            cmd = [str(binary), "server", "--host", "127.0.0.1", "--port", str(self.port),
                   "--data-dir", str(self.root / "data"), "--web-root", str(WEB_ROOT), "--log-level", "warning", *self.extra_args]
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            log.close()
            deadline = time.monotonic() + HEALTH_TIMEOUT_S
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                        if r.status == 200:
                            return self
                except (urllib.error.URLError, OSError):
                    pass
                time.sleep(0.1)
            if self.proc.poll() is None:
                self.stop()
                pytest.fail(f"track server did not become healthy\n{self.log_text()}", pytrace=False)
            if b"address already in use" not in self.log_path.read_bytes()[start:].lower():
                pytest.fail(f"track server exited with {self.proc.returncode}\n{self.log_text()}", pytrace=False)
        pytest.fail("no free port for the track server", pytrace=False)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Api:
    """Minimal JSON client for the MLflow REST API (the same requests any MLflow client sends)."""

    def __init__(self, base: str):
        self.base = base

    def request(self, method: str, path: str, body=None, raw: bytes | None = None, content_type="application/json"):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path} -> {e.code}: {e.read()[:500]!r}") from None
        return json.loads(text) if text.strip() else {}

    def post(self, path, body):
        return self.request("POST", "/api/2.0/mlflow/" + path, body)

    def get(self, path, **query):
        return self.request("GET", "/api/2.0/mlflow/" + path + "?" + urllib.parse.urlencode(query))

    def create_experiment(self, name) -> str:
        return self.post("experiments/create", {"name": name})["experiment_id"]

    def create_run(self, exp_id, name, start_time, tags=()) -> str:
        r = self.post("runs/create", {"experiment_id": exp_id, "run_name": name, "start_time": start_time,
                                      "tags": [{"key": k, "value": v} for k, v in tags]})
        return r["run"]["info"]["run_id"]

    def log_batch(self, run_id, metrics=(), params=(), tags=()):
        self.post("runs/log-batch", {"run_id": run_id, "metrics": list(metrics),
                                     "params": [{"key": k, "value": str(v)} for k, v in params],
                                     "tags": [{"key": k, "value": v} for k, v in tags]})

    def finish(self, run_id, end_time, status="FINISHED"):
        self.post("runs/update", {"run_id": run_id, "status": status, "end_time": end_time})

    def summaries(self, run_id) -> dict:
        """{metric key: {last, min, max, count, ...}} kept by the server for one run."""
        r = self.request("GET", "/api/2.0/track/runs/summaries?" + urllib.parse.urlencode({"run_id": run_id}))
        return {s["key"]: s for s in r.get("summaries", [])}

    def put_artifact(self, exp_id, run_id, path, data: bytes, content_type="application/octet-stream"):
        self.request("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{exp_id}/{run_id}/artifacts/{path}",
                     raw=data, content_type=content_type)


def add_accounts(data_dir: Path, accounts) -> None:
    """Create accounts [(user, role, password)] in a data folder with `track users add`."""
    for user, role, password in accounts:
        subprocess.run(
            [str(track_bin()), "users", "add", user, "--role", role, "--password-stdin", "--data-dir", str(data_dir)],
            input=password + "\n", text=True, check=True, capture_output=True,
        )


def start_with_auth(root: Path, accounts) -> Server:
    """A server on `root` with --auth, after creating the accounts [(user, role, password)]."""
    add_accounts(root / "data", accounts)
    return Server(root, extra_args=["--auth"]).start()


def tiny_png(w=48, h=32) -> bytes:
    """A valid RGB PNG (gradient) without any imaging library."""
    rows = b"".join(b"\x00" + bytes(c for x in range(w) for c in (x * 5 % 256, y * 8 % 256, 160)) for y in range(h))
    def chunk(tag, payload):
        return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def mlflow_python() -> str | None:
    """A Python that can `import mlflow` (TRACK_UI_MLFLOW_PYTHON, or the interop suite's venv), or None."""
    for cand in (os.environ.get("TRACK_UI_MLFLOW_PYTHON"), str(REPO_ROOT / ".build" / "venv-interop" / "bin" / "python")):
        if cand and Path(cand).exists():
            if subprocess.run([cand, "-c", "import mlflow"], capture_output=True).returncode == 0:
                return cand
    return None


def noise(i: int, step: int) -> float:
    """Deterministic pseudo-noise in [-1, 1]."""
    x = math.sin(i * 12.9898 + step * 78.233) * 43758.5453
    return (x - math.floor(x)) * 2 - 1


HTML_ARTIFACT = (b"<!doctype html><h1 id=pwn>report</h1>\n<script>window.__pwned=1</script>\n"
                 b"<img src=does-not-exist.png onerror=\"window.__pwned=2\">\n")


GIT_COMMIT = "4f2d9c1e8b7a6f5e4d3c2b1a09f8e7d6c5b4a392"
BINARY_ARTIFACT = bytes(range(256)) * 3


class Seed:
    """What the session seeded. Experiment "vision-sweep": 10 FINISHED runs run-00..run-09 (start
    times ascending), params lr/optimizer/seed (differ) and dataset/epochs (equal), metrics loss and
    acc over 500 steps with noise, last acc = 0.32 + 0.05*i (so `metrics.acc > 0.5` keeps run-04..run-09).
    Artifacts (txt, json, csv, png, a hostile html) on run-09. Experiment
    "live-demo": a FINISHED baseline and a RUNNING run "live-run" with 200 steps. Experiment
    "status-zoo": "crashed-run" (RUNNING, last heartbeat 10 minutes ago, 30 s interval),
    "failed-run", "killed-run", and "child-run" (FINISHED, child of crashed-run, git commit, branch
    and repository tags, a binary artifact model.bin)."""

    def __init__(self, api: Api):
        self.api = api
        now = int(time.time() * 1000)
        self.exp = api.create_experiment("vision-sweep")
        self.runs: list[dict] = []
        for i in range(10):
            start = now - (10 - i) * 600_000
            name = f"run-{i:02d}"
            rid = api.create_run(self.exp, name, start, tags=[("mlflow.user", "alice" if i % 2 else "bob"),
                                                               ("mlflow.source.name", "train.py"), ("team", "vision")])
            final_acc = round(0.32 + 0.05 * i, 4)
            lr = [0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001][i]
            params = [("lr", lr), ("optimizer", "adam" if i % 2 else "sgd"), ("seed", i),
                      ("dataset", "cifar10"), ("epochs", 20)]
            metrics = []
            for s in range(STEPS):
                t = s / (STEPS - 1)
                acc = final_acc if s == STEPS - 1 else final_acc * (1 - math.exp(-5 * t)) + 0.06 * noise(i, s)
                loss = 2.3 * math.exp(-4 * t) * (1 + 0.02 * i) + 0.1 + 0.08 * abs(noise(i + 100, s))
                metrics.append({"key": "acc", "value": acc, "timestamp": start + s * 1000, "step": s})
                metrics.append({"key": "loss", "value": loss, "timestamp": start + s * 1000, "step": s})
            api.log_batch(rid, params=params)
            api.log_batch(rid, metrics=metrics)
            api.finish(rid, start + STEPS * 1000)
            self.runs.append({"id": rid, "name": name, "acc": final_acc, "lr": lr, "start": start,
                              "params": dict((k, str(v)) for k, v in params)})
        self.art_run = self.runs[-1]
        put = lambda p, d, ct: api.put_artifact(self.exp, self.art_run["id"], p, d, ct)  # noqa: E731
        put("notes.txt", b"first line of the notes\nsecond line <b>not bold</b>\n", "text/plain")
        put("config.json", json.dumps({"model": "resnet18", "lr": 0.0001, "layers": [64, 128, 256]}).encode(), "application/json")
        put("results.csv", b"epoch,acc,loss\n1,0.41,1.9\n2,0.55,1.2\n3,0.67,0.8\n", "text/csv")
        put("plots/curve.png", tiny_png(), "image/png")
        put("report.html", HTML_ARTIFACT, "text/html")

        self.live_exp = api.create_experiment("live-demo")
        base = api.create_run(self.live_exp, "finished-baseline", now - 3_600_000)
        api.log_batch(base, metrics=[{"key": "loss", "value": 1 / (s + 1), "timestamp": now - 3_600_000 + s, "step": s} for s in range(200)],
                      params=[("lr", 0.01)])
        api.finish(base, now - 3_000_000)
        self.live = api.create_run(self.live_exp, "live-run", now - 120_000, tags=[("mlflow.user", "carol")])
        api.log_batch(self.live, params=[("lr", 0.02)],
                      metrics=[m for s in range(200) for m in (
                          {"key": "loss", "value": 2 / (s + 1) + 0.05 * abs(noise(7, s)), "timestamp": now - 120_000 + s * 100, "step": s},
                          {"key": "acc", "value": 0.3 + 0.002 * s, "timestamp": now - 120_000 + s * 100, "step": s})])
        self.live_step = 199

        self.zoo = api.create_experiment("status-zoo")
        self.crashed = api.create_run(self.zoo, "crashed-run", now - 3_600_000, tags=[
            ("mlflow.user", "erin"), ("track.heartbeat", str(now - 600_000)), ("track.heartbeat_interval_ms", "30000")])
        api.log_batch(self.crashed, metrics=[{"key": "loss", "value": 1 / (s + 1), "timestamp": now - 3_600_000 + s * 1000, "step": s} for s in range(50)])
        self.failed = api.create_run(self.zoo, "failed-run", now - 3_000_000)
        api.finish(self.failed, now - 2_900_000, "FAILED")
        self.killed = api.create_run(self.zoo, "killed-run", now - 2_000_000)
        api.finish(self.killed, now - 1_900_000, "KILLED")
        self.child = api.create_run(self.zoo, "child-run", now - 1_000_000, tags=[
            ("mlflow.parentRunId", self.crashed), ("mlflow.user", "dave"),
            ("mlflow.source.name", "/home/dave/src/train.py"), ("mlflow.source.type", "LOCAL"),
            ("mlflow.source.git.commit", GIT_COMMIT), ("mlflow.source.git.branch", "main"),
            ("mlflow.source.git.repoURL", "https://git.example.com/vision/models.git")])
        api.log_batch(self.child, metrics=[{"key": "loss", "value": 0.5, "timestamp": now - 1_000_000, "step": 0}], params=[("lr", 0.1)])
        api.put_artifact(self.zoo, self.child, "model.bin", BINARY_ARTIFACT)
        api.finish(self.child, now - 900_000)

    def by_name(self, name):
        return next(r for r in self.runs if r["name"] == name)

    def log_live(self, n, acc_value=None):
        """Append n steps to the RUNNING run (loss and acc); returns the last step."""
        first = self.live_step + 1
        now = int(time.time() * 1000)
        metrics = []
        for s in range(first, first + n):
            acc = acc_value if (acc_value is not None and s == first + n - 1) else 0.3 + 0.002 * s
            metrics.append({"key": "loss", "value": 0.5 + 0.5 * abs(noise(9, s)), "timestamp": now, "step": s})
            metrics.append({"key": "acc", "value": acc, "timestamp": now, "step": s})
        self.api.log_batch(self.live, metrics=metrics)
        self.live_step = first + n - 1
        return self.live_step


# ---------------------------------------------------------------------------------------------
# browser

# In-page helpers, installed on every document before any page script runs.
PAGE_HELPERS = r"""
window.__trackTest = {
  // Pixels of a canvas: painted (alpha>0), colored (saturated, mostly opaque: the series lines,
  // not grid/axes/text, which are grey), colored x/y extent, and a hash of all painted pixels.
  inspect(canvas) {
    const w = canvas.width, h = canvas.height;
    if (!w || !h) return { w, h, painted: 0, colored: 0, minX: -1, maxX: -1, minY: -1, maxY: -1, hash: 0 };
    const d = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    let painted = 0, colored = 0, minX = w, maxX = -1, minY = h, maxY = -1, hash = 2166136261;
    for (let i = 0; i < d.length; i += 4) {
      const a = d[i + 3];
      if (!a) continue;
      painted++;
      const r = d[i], g = d[i + 1], b = d[i + 2];
      hash = Math.imul(hash ^ (i * 31 + r * 7 + g * 13 + b * 17 + a), 16777619) >>> 0;
      if (a > 100 && Math.max(r, g, b) - Math.min(r, g, b) > 60) {
        colored++;
        const p = i / 4, x = p % w, y = (p - x) / w;
        if (x < minX) minX = x; if (x > maxX) maxX = x; if (y < minY) minY = y; if (y > maxY) maxY = y;
      }
    }
    return { w, h, painted, colored, minX, maxX, minY, maxY, hash };
  },
  // Mean y (0..1 of the height, 0 = top) of the colored pixels whose x lies in [x0, x1] (fractions).
  coloredMeanY(canvas, x0, x1) {
    const w = canvas.width, h = canvas.height;
    const d = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    let sum = 0, n = 0;
    for (let y = 0; y < h; y++) for (let x = Math.floor(x0 * w); x < Math.min(w, Math.ceil(x1 * w)); x++) {
      const i = (y * w + x) * 4, r = d[i], g = d[i + 1], b = d[i + 2];
      if (d[i + 3] > 100 && Math.max(r, g, b) - Math.min(r, g, b) > 60) { sum += y; n++; }
    }
    return n ? sum / n / h : null;
  },
  // Coloured pixels painted with the min-max bands' alpha (0.16, so 39..43 of 255): bands, not the
  // anti-aliased edges of lines (whose alphas spread over the whole range).
  bandPixels(canvas) {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const a = d[i + 3];
      if (a >= 39 && a <= 43 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n++;
    }
    return n;
  },
  // Count canvas redraws per animation frame: every chart layer clears itself once per draw.
  watchDraws() {
    const log = (window.__draws = []);
    const orig = CanvasRenderingContext2D.prototype.clearRect;
    CanvasRenderingContext2D.prototype.clearRect = function (...a) {
      if (this.canvas.classList.contains('chart-layer')) log.push({ c: this.canvas, t: document.timeline.currentTime });
      return orig.apply(this, a);
    };
  },
  drawsPerFrame() {
    const per = new Map();
    for (const { c, t } of window.__draws || []) {
      let m = per.get(c); if (!m) per.set(c, m = new Map());
      m.set(t, (m.get(t) || 0) + 1);
    }
    let total = 0, worst = 0;
    for (const m of per.values()) for (const n of m.values()) { total += n; worst = Math.max(worst, n); }
    return { total, worst, canvases: per.size };
  },
  baseCanvases(sel) {
    return [...document.querySelectorAll(sel)].map((c) => c.querySelector('canvas.chart-layer-base')).filter(Boolean);
  },
};
"""


class Console:
    """SEVERE browser console entries fail the test unless they match an allowed pattern."""

    def __init__(self, driver):
        self.driver = driver
        self.allowed: list[re.Pattern] = []
        self.entries: list[dict] = []

    def allow(self, pattern: str):
        self.allowed.append(re.compile(pattern))

    def drain(self):
        self.entries.extend(self.driver.get_log("browser"))

    def severe(self):
        self.drain()
        return [e for e in self.entries if e.get("level") == "SEVERE"
                and not any(p.search(e.get("message", "")) for p in self.allowed)]

    def reset(self):
        self.drain()
        self.entries = []
        self.allowed = []


def make_driver():
    chromedriver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    browser = os.environ.get("CHROMIUM_BIN") or "/usr/bin/chromium"
    if not chromedriver or not Path(browser).exists():
        pytest.fail(f"need chromium + chromium-driver (apt-get install chromium chromium-driver); "
                    f"chromedriver={chromedriver} browser={browser}", pytrace=False)
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", "--force-device-scale-factor=1",
              "--no-first-run", "--no-default-browser-check", "--disable-extensions",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--force-color-profile=srgb", "--hide-scrollbars", "--lang=en-US"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=chromedriver), options=opts)
    drv.set_page_load_timeout(30)
    drv.set_script_timeout(30)
    # Make the *viewport* VIEWPORT (the window size includes the browser's own frame).
    drv.get("about:blank")
    iw, ih = drv.execute_script("return [innerWidth, innerHeight]")
    ws = drv.get_window_size()
    drv.set_window_size(ws["width"] + VIEWPORT[0] - iw, ws["height"] + VIEWPORT[1] - ih)
    drv.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PAGE_HELPERS})
    return drv


class UI:
    """Navigation and waiting helpers around the session's driver."""

    def __init__(self, driver, base: str, console: Console):
        self.d = driver
        self.base = base
        self.console = console

    def open(self, hash_: str):
        """Full page load of base/#hash (a fresh document, so no state leaks between tests)."""
        self.d.get("about:blank")
        self.d.get(f"{self.base}/{hash_}")

    def wait(self, cond, timeout=15, msg=""):
        return WebDriverWait(self.d, timeout, poll_frequency=0.1).until(lambda d: cond(), message=msg)

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def find(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def click(self, css, attempts=5):
        """Click the element `css` names, finding it again if the page replaced it between the
        find and the click (a live table redraws a running run's row every second)."""
        for attempt in range(attempts):
            try:
                return self.find(css).click()
            except StaleElementReferenceException:
                if attempt == attempts - 1:
                    raise

    def hash(self) -> str:
        return self.js("return location.hash")

    def hash_query(self) -> dict:
        h = self.hash()
        q = h.split("?", 1)[1] if "?" in h else ""
        return {k: v for k, v in urllib.parse.parse_qsl(q, keep_blank_values=True)}

    def canvases(self, card_selector):
        return self.js("return __trackTest.baseCanvases(arguments[0]).map((c) => __trackTest.inspect(c))", card_selector)

    def wait_charts_drawn(self, card_selector, count=None, min_colored=50, timeout=20):
        def ok():
            stats = self.canvases(card_selector)
            if not stats or (count is not None and len(stats) < count):
                return False
            return stats if all(s["colored"] >= min_colored for s in stats) else False
        return self.wait(ok, timeout, f"charts in {card_selector} never drew their lines")

    def run_rows(self):
        """Visible runs-table rows in display order: [{i, name, cells: [...], selected}]."""
        return self.js("""
          return [...document.querySelectorAll('.vt-body .vt-row:not(.is-group)')]
            .map((r) => ({ i: Number(r.dataset.i), name: r.querySelector('.name a')?.textContent || '',
                           selected: r.getAttribute('aria-selected') === 'true',
                           cells: [...r.querySelectorAll('.vt-cell')].map((c) => c.textContent.trim()) }))
            .sort((a, b) => a.i - b.i);""")

    def header_cells(self):
        return self.js("return [...document.querySelectorAll('.vt-head .vt-hcell')].map((c) => c.querySelector('.hlabel')?.textContent.replace(/[↑↓]/g, '').trim() || '')")

    def header_kinds(self):
        """[(kind, label)] of the runs table's headers, e.g. ("metric · min", "loss")."""
        return [tuple(x) for x in self.js("""return [...document.querySelectorAll('.vt-head .vt-hcell')].map((c) =>
            [c.querySelector('.hkind')?.textContent || '', c.querySelector('.hlabel')?.textContent.replace(/[↑↓]/g, '').trim() || ''])""")]

    def screenshot(self, name: str):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        self.js("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
        self.d.save_screenshot(str(SCREENSHOT_DIR / f"{name}.png"))


# ---------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("track-ui")).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def api(server):
    return Api(server.url)


@pytest.fixture(scope="session")
def seed(api):
    return Seed(api)


@pytest.fixture
def fresh_server(tmp_path_factory):
    """A second server with an empty data folder, for the pages of a brand new install."""
    srv = Server(tmp_path_factory.mktemp("track-fresh")).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def fresh_ui(driver, fresh_server, console):
    return UI(driver, fresh_server.url, console)


@pytest.fixture(scope="session")
def driver():
    drv = make_driver()
    try:
        yield drv
    finally:
        drv.quit()


@pytest.fixture(scope="session")
def _console(driver):
    return Console(driver)


@pytest.fixture
def console(_console):
    _console.reset()
    return _console


@pytest.fixture
def ui(driver, server, seed, console):
    return UI(driver, server.url, console)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test body passed: fail it on unexpected SEVERE console entries."""
    result = yield
    con = item.funcargs.get("console")
    if con is not None:
        bad = con.severe()
        if bad:
            raise AssertionError("browser console errors:\n" + "\n".join(f"  [{e.get('source')}] {e.get('message')}" for e in bad))
    return result

#!/usr/bin/env python3
"""UI benchmark: the real web UI in headless Chromium against the real `track server`.

    python Benchmarks/ui/bench_ui.py                       # both scenarios, full size
    python Benchmarks/ui/bench_ui.py --points 100000 --table-runs 2000   # quicker, smaller
    TRACK_BIN=.build/release/track python Benchmarks/ui/bench_ui.py

Needs: Debian `chromium` + `chromium-driver`, and `selenium` (web/tests/selenium/requirements.txt;
the .ci/test venv .build/venv-ui has it). Starts its own server on a free loopback port with a
fresh data dir (deleted at the end unless --keep-data), seeds over real HTTP, prints the figures.

Scenario 1, compare: --runs runs (10) x --points points (1,000,000) of one metric `loss`, seeded
with runs/log-batch of 1000 metrics per request from --threads parallel threads (persistent
connections). Then, --repeat times, a full page load of #/compare?runs=<all>:
  drawn        = performance.now() (i.e. ms since navigation start) in the first animation frame in
                 which every line-chart base canvas on the page (.chart-card canvas.chart-layer-base)
                 has >= 200 saturated pixels (series lines; the grid, axes, text and the "Loading…"
                 placeholder are grey). Checked by a requestAnimationFrame loop installed before any
                 page script runs (CDP Page.addScriptToEvaluateOnNewDocument); resolution 1 frame.
  interactive  = when a task posted (MessageChannel) in that frame runs: the main thread is free to
                 handle input. Also reported: long tasks (>50 ms) until then, the metrics/series
                 requests (count, bytes, slowest), and the hover latency (pointer event on the chart
                 -> tooltip visible, next frame).
Scenario 2, runs table: --table-runs runs (10,000) with 3 params + 2 metrics, FINISHED.
  render       = navigation start -> first frame where the subtitle reads "10,000 runs" (all pages
                 of 1000 fetched) with rows drawn; first_rows = first frame with any row.
  sort         = click on a column header (capturing click listener, event.timeStamp) -> first frame
                 where the rows are in the new order: server-side sort by metric `acc` (descending;
                 the top row holds the known maximum) and client-side sort by Duration; both reported
                 as first_sorted_rows (first page in order) and all_loaded (all runs re-fetched).
"""
from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VIEWPORT = (1400, 900)


# --------------------------------------------------------------------------------------------- server

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary: Path, data_dir: Path):
        self.binary, self.data_dir = binary, data_dir
        self.port = free_port()
        self.log = open(data_dir.parent / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen([str(binary), "server", "--host", "127.0.0.1", "--port", str(self.port),
                                      "--data-dir", str(data_dir), "--web-root", str(REPO / "web"), "--log-level", "warning"],
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"track server exited with {self.proc.returncode}; log: {self.log.name}")
            try:
                urllib.request.urlopen(self.url + "/health", timeout=2).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        sys.exit("track server did not become healthy")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Client:
    """JSON POSTs over one persistent connection per thread."""

    def __init__(self, port):
        self.port = port
        self.local = threading.local()

    def conn(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = self.local.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return c

    def post(self, path, body):
        data = json.dumps(body, separators=(",", ":")).encode()
        for attempt in range(2):
            c = self.conn()
            try:
                c.request("POST", "/api/2.0/mlflow/" + path, body=data, headers={"Content-Type": "application/json"})
                r = c.getresponse()
                text = r.read()
                break
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.c = None
                if attempt:
                    raise
        if r.status != 200:
            raise RuntimeError(f"{path}: {r.status} {text[:300]!r}")
        return json.loads(text) if text.strip() else {}


def run_parallel(threads, tasks, label):
    done = [0]
    lock = threading.Lock()
    t0 = time.time()
    total = len(tasks)

    def wrap(fn):
        fn()
        with lock:
            done[0] += 1
            if done[0] % max(1, total // 20) == 0:
                el = time.time() - t0
                print(f"  {label}: {done[0]}/{total} requests, {el:.0f}s elapsed", flush=True)
    with ThreadPoolExecutor(threads) as ex:
        for f in [ex.submit(wrap, t) for t in tasks]:
            f.result()
    return time.time() - t0


# --------------------------------------------------------------------------------------------- seeding

def seed_compare(cl: Client, runs, points, threads):
    exp = cl.post("experiments/create", {"name": f"bench-compare-{int(time.time())}"})["experiment_id"]
    now = int(time.time() * 1000)
    ids = []
    for r in range(runs):
        rid = cl.post("runs/create", {"experiment_id": exp, "run_name": f"big-{r:02d}", "start_time": now - points})["run"]["info"]["run_id"]
        cl.post("runs/log-batch", {"run_id": rid, "params": [{"key": "lr", "value": str(10 ** -(1 + r % 4))}, {"key": "width", "value": str(64 * (1 + r % 3))}]})
        ids.append(rid)
    per = 1000
    chunks = math.ceil(points / per)

    def task(rid, r, k):
        def go():
            lo = k * per
            ms = [{"key": "loss", "value": 2.0 * math.exp(-3.0 * s / points) * (1 + 0.03 * r) + 0.05 * math.sin(s * 0.37 + r),
                   "timestamp": now - points + s, "step": s} for s in range(lo, min(points, lo + per))]
            cl.post("runs/log-batch", {"run_id": rid, "metrics": ms})
        return go
    # chunk-major order: concurrent requests go to different runs, each run's steps arrive ascending
    tasks = [task(rid, r, k) for k in range(chunks) for r, rid in enumerate(ids)]
    secs = run_parallel(threads, tasks, "compare seed")
    for rid in ids:
        cl.post("runs/update", {"run_id": rid, "status": "FINISHED", "end_time": now})
    return exp, ids, secs


def table_acc(i):
    return ((i * 7919) % 10000) / 10000


def seed_table(cl: Client, n, threads):
    exp = cl.post("experiments/create", {"name": f"bench-table-{int(time.time())}"})["experiment_id"]
    now = int(time.time() * 1000)

    def task(i):
        def go():
            start = now - (n - i) * 1000
            rid = cl.post("runs/create", {"experiment_id": exp, "run_name": f"run-{i:05d}", "start_time": start,
                                          "tags": [{"key": "mlflow.user", "value": ["alice", "bob", "carol"][i % 3]}]})["run"]["info"]["run_id"]
            cl.post("runs/log-batch", {"run_id": rid,
                                       "params": [{"key": "lr", "value": str(10 ** -(1 + i % 5))}, {"key": "optimizer", "value": ["adam", "sgd"][i % 2]},
                                                  {"key": "seed", "value": str(i)}],
                                       "metrics": [{"key": "acc", "value": table_acc(i), "timestamp": start + 500, "step": 10},
                                                   {"key": "loss", "value": 1 - table_acc(i) / 2, "timestamp": start + 500, "step": 10}]})
            cl.post("runs/update", {"run_id": rid, "status": "FINISHED", "end_time": start + 1000 + (i * 37) % 5000})
        return go
    secs = run_parallel(threads, [task(i) for i in range(n)], "table seed")
    return exp, secs


# --------------------------------------------------------------------------------------------- browser

def make_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    os.environ.setdefault("SE_OFFLINE", "true")
    chromedriver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not chromedriver:
        sys.exit("chromedriver not found (apt-get install chromium-driver)")
    o = webdriver.ChromeOptions()
    o.binary_location = os.environ.get("CHROMIUM_BIN") or "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
              "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions", "--disable-background-networking",
              "--disable-component-update", "--hide-scrollbars"):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service(executable_path=chromedriver), options=o)
    d.set_page_load_timeout(300)
    d.set_script_timeout(300)
    d.get("about:blank")
    iw, ih = d.execute_script("return [innerWidth, innerHeight]")
    ws = d.get_window_size()
    d.set_window_size(ws["width"] + VIEWPORT[0] - iw, ws["height"] + VIEWPORT[1] - ih)
    return d


COMMON_HOOK = r"""
const B = window.__bench = { marks: {}, longTasks: [], frames: 0 };
try { new PerformanceObserver((l) => { for (const e of l.getEntries()) B.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); })
        .observe({ type: 'longtask', buffered: true }); } catch (e) {}
B.mark = (name, t) => { if (!(name in B.marks)) B.marks[name] = t ?? performance.now(); };
B.colored = (c, need) => {  // saturated, mostly opaque pixels, stopping at `need`
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) {
    if (d[i] > 100) { const r = d[i - 3], g = d[i - 2], b = d[i - 1]; if (Math.max(r, g, b) - Math.min(r, g, b) > 60 && ++n >= need) return n; }
  }
  return n;
};
// Only canvases drawn into since the last check are scanned (keeps the hook off the main thread's back).
for (const m of ['stroke', 'fill', 'fillText', 'clearRect']) {
  const orig = CanvasRenderingContext2D.prototype[m];
  CanvasRenderingContext2D.prototype[m] = function (...a) { this.canvas.__dirty = true; return orig.apply(this, a); };
}
B.loop = (fn) => { const tick = () => { B.frames++; if (!fn()) requestAnimationFrame(tick); }; requestAnimationFrame(tick); };
"""

COMPARE_HOOK = COMMON_HOOK + r"""
B.loop(() => {
  const cs = [...document.querySelectorAll('.chart-card canvas.chart-layer-base')];
  for (const c of cs) if (c.__dirty) { c.__dirty = false; c.__lines = c.width > 1 && B.colored(c, 200) >= 200; }
  if (!cs.length || !cs.every((c) => c.__lines)) return false;
  B.mark('drawn');
  const ch = new MessageChannel();
  ch.port1.onmessage = () => B.mark('interactive');
  ch.port2.postMessage(0);
  return true;
});
"""

TABLE_HOOK = COMMON_HOOK + r"""
B.state = () => {
  const sub = document.querySelector('.runs-page .subtitle');
  const rows = [...document.querySelectorAll('.vt-body .vt-row')].sort((a, b) => a.dataset.i - b.dataset.i);
  return { text: sub ? sub.textContent : '', loading: !!(sub && sub.querySelector('.spinner')), rows };
};
B.loop(() => {
  const s = B.state();
  if (s.rows.length) B.mark('first_rows');
  if (s.rows.length && !s.loading && s.text.startsWith(B.expectCount)) { B.mark('render'); return true; }
  return false;
});
document.addEventListener('click', (e) => { if (e.target.closest('.vt-hcell')) B.clickAt = e.timeStamp; }, true);
"""


def series_stats(d):
    return d.execute_script("""
      const es = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/2.0/track/metrics/series'));
      return { count: es.length, bytes: es.reduce((a, e) => a + (e.transferSize || e.encodedBodySize || 0), 0),
               slowest: Math.round(Math.max(0, ...es.map((e) => e.duration))),
               lastEnd: Math.round(Math.max(0, ...es.map((e) => e.responseEnd))) };""")


def measure_compare(d, base, ids, repeat):
    out = []
    ident = d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COMPARE_HOOK})["identifier"]
    try:
        for i in range(repeat):
            d.get("about:blank")
            d.get(f"{base}/#/compare?runs={','.join(ids)}")
            deadline = time.time() + 600
            while time.time() < deadline:
                m = d.execute_script("return window.__bench && window.__bench.marks")
                if m and "interactive" in m:
                    break
                time.sleep(0.05)
            else:
                sys.exit("compare charts never drew")
            b = d.execute_script("return { marks: __bench.marks, longTasks: __bench.longTasks, frames: __bench.frames }")
            s = series_stats(d)
            lt = [t for t in b["longTasks"] if t[0] < b["marks"]["interactive"]]
            hover = hover_latency(d)  # real pointer move -> tooltip shown
            row = {"drawn_ms": round(b["marks"]["drawn"]), "interactive_ms": round(b["marks"]["interactive"]),
                   "long_tasks": len(lt), "long_task_ms": sum(t[1] for t in lt), "series_requests": s["count"],
                   "series_bytes": s["bytes"], "slowest_series_ms": s["slowest"], "last_series_response_ms": s["lastEnd"],
                   "hover_ms": hover}
            print(f"  compare load {i + 1}: {json.dumps(row)}", flush=True)
            out.append(row)
    finally:
        d.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": ident})
    return out


def hover_latency(d):
    """Real pointer move (WebDriver action) over the chart -> first frame with the tooltip shown."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    el = d.find_element(By.CSS_SELECTOR, ".chart-card .line-chart")
    d.execute_script("""
      const c = document.querySelector('.chart-card .line-chart'), tip = c.querySelector('.chart-tip');
      window.__hover = null;
      c.addEventListener('pointermove', (e) => {
        if (window.__hover) return;
        window.__hover = { at: e.timeStamp };
        const check = () => { if (!tip.hidden) window.__hover.shown = performance.now(); else requestAnimationFrame(check); };
        requestAnimationFrame(check);
      }, { capture: true });""")
    ActionChains(d).move_to_element_with_offset(el, int(el.size["width"] * 0.1), 0).perform()
    for _ in range(200):
        h = d.execute_script("return window.__hover")
        if h and "shown" in h:
            return round(h["shown"] - h["at"], 1)
        time.sleep(0.02)
    return None


def measure_table(d, base, exp, n, repeat):
    expect = f"{n:,} runs"
    top_acc = max(table_acc(i) for i in range(n))
    hook = TABLE_HOOK.replace("B.expectCount", json.dumps(expect))
    ident = d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": hook})["identifier"]
    out = []
    from selenium.webdriver.common.by import By

    def wait_marks(names, limit=600):
        deadline = time.time() + limit
        while time.time() < deadline:
            m = d.execute_script("return window.__bench && window.__bench.marks") or {}
            if all(k in m for k in names):
                return m
            time.sleep(0.05)
        sys.exit(f"runs table never reached {names}")

    def click_header(label):
        el = d.execute_script("return [...document.querySelectorAll('.vt-head .vt-hcell.sortable')].find((c) => c.querySelector('.hlabel').textContent.replace(/[↑↓]/g, '').trim() === arguments[0])", label)
        el.click()

    try:
        for i in range(repeat):
            d.get("about:blank")
            d.get(f"{base}/#/experiments/{exp}")
            m = wait_marks(["first_rows", "render"])
            row = {"first_rows_ms": round(m["first_rows"]), "render_ms": round(m["render"])}
            # server-side sort: acc descending; the known maximum must be on top
            d.execute_script("""
              const B = __bench, top = arguments[0], expect = arguments[1];
              const heads = () => [...document.querySelectorAll('.vt-head .vt-hcell')].map((c) => c.querySelector('.hlabel')?.textContent.replace(/[↑↓]/g, '').trim());
              B.clickAt = null;
              B.loop(() => {
                if (B.clickAt === null) return false;
                const s = B.state(), col = heads().indexOf('acc');
                const first = s.rows[0] && s.rows[0].querySelectorAll('.vt-cell')[col];
                const sorted = document.querySelector('.vt-hcell[aria-sort="descending"]') && first && Math.abs(parseFloat(first.textContent) - top) < 1e-4;
                if (sorted) B.mark('acc_first_sorted');
                if (sorted && !s.loading && s.text.startsWith(expect)) { B.mark('acc_all'); return true; }
                return false;
              });""", top_acc, expect)
            click_header("acc")
            m = wait_marks(["acc_first_sorted", "acc_all"])
            click = d.execute_script("return __bench.clickAt")
            row["sort_server_first_ms"] = round(m["acc_first_sorted"] - click)
            row["sort_server_all_ms"] = round(m["acc_all"] - click)
            # client-side sort: Duration (not an MLflow order_by key): re-fetch + sort in the page
            d.execute_script("""
              const B = __bench, expect = arguments[0];
              B.clickAt = null;
              B.loop(() => {
                if (B.clickAt === null) return false;
                const s = B.state();
                const h = [...document.querySelectorAll('.vt-head .vt-hcell')].find((c) => c.textContent.includes('Duration'));
                if (h && h.getAttribute('aria-sort') === 'descending' && s.rows.length && !s.loading && s.text.startsWith(expect)) { B.mark('dur_all'); return true; }
                return false;
              });""", expect)
            click_header("Duration")
            m = wait_marks(["dur_all"])
            click = d.execute_script("return __bench.clickAt")
            row["sort_client_all_ms"] = round(m["dur_all"] - click)
            durs = d.execute_script("""
              const col = [...document.querySelectorAll('.vt-head .vt-hcell')].findIndex((c) => c.textContent.includes('Duration'));
              return [...document.querySelectorAll('.vt-body .vt-row')].sort((a, b) => a.dataset.i - b.dataset.i).slice(0, 5).map((r) => r.querySelectorAll('.vt-cell')[col].textContent);""")
            row["top_durations"] = durs
            print(f"  runs table {i + 1}: {json.dumps(row)}", flush=True)
            out.append(row)
    finally:
        d.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": ident})
    return out


def summarize(name, rows):
    keys = [k for k in rows[0] if isinstance(rows[0][k], (int, float))]
    print(f"\n{name} (median of {len(rows)}; all: see above)")
    for k in keys:
        vals = [r[k] for r in rows if r[k] is not None]
        if vals:
            print(f"  {k:28s} {statistics.median(vals):>10}   [{', '.join(str(v) for v in vals)}]")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--table-runs", type=int, default=10_000)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-compare", action="store_true")
    ap.add_argument("--skip-table", action="store_true")
    ap.add_argument("--data-dir", type=Path, help="reuse/keep this data dir (default: a fresh temp dir, deleted)")
    ap.add_argument("--url", help="use an already running, already seeded server (with --compare-runs / --table-exp)")
    ap.add_argument("--compare-runs", help="comma-separated run ids (with --url)")
    ap.add_argument("--table-exp", help="experiment id of the table scenario (with --url)")
    args = ap.parse_args()

    binary = Path(os.environ.get("TRACK_BIN") or REPO / ".build" / "debug" / "track")
    tmp = None
    server = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        if not binary.exists():
            sys.exit(f"track binary not found at {binary} (swift build, or set TRACK_BIN)")
        tmp = Path(tempfile.mkdtemp(prefix="track-ui-bench-"))
        data = args.data_dir or tmp / "data"
        data.mkdir(parents=True, exist_ok=True)
        server = Server(binary, data)
        base = server.url
    print(f"server {base} ({binary if server else 'external'}); {os.cpu_count()} cores; load avg {os.getloadavg()[0]:.1f}")
    port = int(base.rsplit(":", 1)[1])
    cl = Client(port)
    results = {}
    try:
        ids = args.compare_runs.split(",") if args.compare_runs else None
        texp = args.table_exp
        if not args.skip_compare and not ids:
            print(f"seeding compare: {args.runs} runs x {args.points:,} points, log-batch of 1000, {args.threads} threads")
            _, ids, secs = seed_compare(cl, args.runs, args.points, args.threads)
            total = args.runs * args.points
            print(f"  seeded {total:,} points in {secs:.1f}s ({total / secs:,.0f} points/s)")
            results["compare_seed_s"] = round(secs, 1)
        if not args.skip_table and not texp:
            print(f"seeding runs table: {args.table_runs:,} runs (create + log-batch + update each), {args.threads} threads")
            texp, secs = seed_table(cl, args.table_runs, args.threads)
            print(f"  seeded {args.table_runs:,} runs in {secs:.1f}s")
            results["table_seed_s"] = round(secs, 1)
        d = make_driver()
        try:
            if not args.skip_compare:
                print(f"compare view: {len(ids)} runs")
                rows = measure_compare(d, base, ids, args.repeat)
                summarize(f"compare {len(ids)} runs x {args.points:,} points", rows)
            if not args.skip_table:
                print(f"runs table: {args.table_runs:,} runs")
                rows = measure_table(d, base, texp, args.table_runs, args.repeat)
                summarize(f"runs table {args.table_runs:,} runs", rows)
        finally:
            d.quit()
        if results:
            print("\nseeding:", json.dumps(results))
    finally:
        if server:
            server.stop()
        if tmp and not args.data_dir:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

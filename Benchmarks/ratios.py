#!/usr/bin/env python3
"""Prints track's figures against the performance targets, with MLflow's and FastTrackML's from
the same sitting and the ratios, each marked met or not met.

    python3 Benchmarks/ratios.py --dir docs/bench-results --scale full

Reads <dir>/<scale>-{track,mlflow,fasttrackml}.json (mlflow_bench.py --json-out), and when present
<dir>/stretch-track.json (track alone: 1,000,000-point history, 100,000-run search) and
<dir>/track-load.json (Benchmarks/TrackLoad: the ingest ceiling, startup time).
Standard library only.
"""
import argparse
import json
import os


def load(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text if text.startswith("{") and "\n{" not in text else text.splitlines()[-1])


def get(doc, path):
    cur = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:,.0f}"
        return f"{v:.3g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ratio(track, peer, higher=True):
    if not isinstance(track, (int, float)) or not isinstance(peer, (int, float)) or track <= 0 or peer <= 0:
        return None
    return track / peer if higher else peer / track


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--scale", default="full")
    a = p.parse_args()
    t = load(os.path.join(a.dir, f"{a.scale}-track.json"))
    m = load(os.path.join(a.dir, f"{a.scale}-mlflow.json"))
    f = load(os.path.join(a.dir, f"{a.scale}-fasttrackml.json"))
    s = load(os.path.join(a.dir, "stretch-track.json"))
    g = load(os.path.join(a.dir, "track-load.json"))
    if t is None:
        raise SystemExit(f"no {a.scale}-track.json in {a.dir}")

    rows = []

    def versus(name, path, unit, higher, need_m=None, need_f=None):
        tv, mv, fv = get(t, path), get(m, path), get(f, path)
        rm, rf = ratio(tv, mv, higher), ratio(tv, fv, higher)
        # A peer that was not measured is left out of the verdict (and the target says so).
        goals, ok = [], True
        if need_m is not None:
            goals.append(f">= {need_m}x MLflow" + ("" if m is not None else " (not measured)"))
            ok = ok and (m is None or (rm is not None and rm >= need_m))
        if need_f is not None:
            goals.append(f">= {need_f}x FastTrackML" + ("" if f is not None else " (not measured)"))
            ok = ok and (f is None or (rf is not None and rf >= need_f))
        if m is None and f is None:
            ok = None
        rows.append((name, unit, fmt(tv), fmt(mv), fmt(fv), fmt(rm) + "x" if rm else "-",
                     fmt(rf) + "x" if rf else "-", ", ".join(goals),
                     ("met" if ok else "NOT MET") if goals and ok is not None else ""))

    def absolute(name, value, unit, goal, ok, peer_m=None, peer_f=None):
        rows.append((name, unit, fmt(value), fmt(peer_m), fmt(peer_f), "-", "-", goal,
                     "-" if value is None else ("met" if ok else "NOT MET")))

    versus("ingest_batch", "results.ingest_batch.points_per_s", "points/s", True, 100, 3)
    versus("ingest_single sequential", "results.ingest_single.sequential.requests_per_s", "req/s", True, 50, 2)
    versus("ingest_single 8 threads", "results.ingest_single.threaded.requests_per_s", "req/s", True, 50, 2)
    versus(f"history {fmt(get(t, 'results.history.points'))} points, paged (preset)", "results.history.paged.seconds_p50", "s", False)
    if s is not None:
        sec = get(s, "results.history.paged.seconds_p50")
        absolute(f"history {fmt(get(s, 'results.history.points'))} points, paged", sec, "s", "< 1 s",
                 sec is not None and sec < 1.0)
        rss = get(s, "results.history.server_rss_peak_mb")
        absolute("  server RSS peak while reading it", rss, "MB", "bounded (< 200 MB)", rss is not None and rss < 200)
    fo = get(t, "results.search.filter_order.p50_ms")
    runs = get(t, "results.search.runs") or 0
    # The target is stated for 10,000 runs; smaller presets are shown without a verdict.
    absolute(f"search {fmt(runs)} runs, filter+order_by p50", fo, "ms", "< 10 ms at 10,000 runs",
             fo is not None and fo < 10, get(m, "results.search.filter_order.p50_ms"),
             get(f, "results.search.filter_order.p50_ms"))
    if runs < 10000:
        rows[-1] = rows[-1][:-1] + ("",)
    if s is not None:
        so = get(s, "results.search.filter_order.p50_ms")
        absolute(f"search {fmt(get(s, 'results.search.runs'))} runs, filter+order_by p50", so, "ms", "< 100 ms",
                 so is not None and so < 100)
    versus("mixed acked points/s", "results.mixed_concurrency.acked_points_per_s", "points/s", True, 50)
    worst = max((get(t, k) or 0) for k in ("results.mixed_concurrency.search.p99_ms", "results.mixed_concurrency.history.p99_ms"))
    absolute("mixed dashboard p99 (worst of search, history)", worst, "ms", "< 50 ms", worst < 50,
             max((get(m, k) or 0) for k in ("results.mixed_concurrency.search.p99_ms", "results.mixed_concurrency.history.p99_ms")) if m else None,
             max((get(f, k) or 0) for k in ("results.mixed_concurrency.search.p99_ms", "results.mixed_concurrency.history.p99_ms")) if f else None)
    errs = get(t, "results.mixed_concurrency.errors")
    nerr = sum(errs.values()) if isinstance(errs, dict) else None
    absolute("mixed errors", nerr, "", "0", nerr == 0)
    tb, mb = get(t, "results.ingest_batch.db_bytes_per_point"), get(m, "results.ingest_batch.db_bytes_per_point")
    rows.append(("disk per stored point", "bytes", fmt(tb), fmt(mb), fmt(get(f, "results.ingest_batch.db_bytes_per_point")),
                 fmt(ratio(tb, mb, False)) + "x" if ratio(tb, mb, False) else "-", "-", "<= 1/10 of MLflow",
                 "met" if tb is not None and mb and tb <= mb / 10 else "NOT MET"))
    idle = get(t, "server.rss_idle_mb")
    absolute("idle RSS", idle, "MB", "< 30 MB", idle is not None and idle < 30, get(m, "server.rss_idle_mb"), get(f, "server.rss_idle_mb"))
    peak = get(t, "server.rss_peak_mb")
    absolute("peak RSS (whole harness run)", peak, "MB", "< 200 MB", peak is not None and peak < 200,
             get(m, "server.rss_peak_mb"), get(f, "server.rss_peak_mb"))
    if g is not None:
        st = g.get("startup_ms")
        absolute("healthy after start", st, "ms", "< 200 ms", st is not None and st < 200)
        best = max(g.get("rows", []), key=lambda r: r.get("points_per_s", 0), default={})
        pps = best.get("points_per_s")
        absolute(f"ingest ceiling, track-load ({best.get('connections', '-')} connections)", pps, "points/s",
                 ">= 1,000,000", pps is not None and pps >= 1e6)
        if g.get("rss_peak_mb"):
            absolute("  server RSS peak under that load", g["rss_peak_mb"], "MB", "< 200 MB", g["rss_peak_mb"] < 200)

    head = ("figure", "unit", "track", "MLflow", "FastTrackML", "vs MLflow", "vs FastTrackML", "target", "")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    notes = []
    for label, doc in (("track", t), ("MLflow", m), ("FastTrackML", f), ("track stretch", s)):
        if doc is None:
            continue
        meta = doc["meta"]
        notes.append(f"{label}: scale={meta.get('scale')} verify_ok={doc.get('verify_ok')} "
                     f"finite_only={meta.get('finite_only', False)} busy_phases={len(meta.get('busy_machine_warnings') or [])} "
                     f"client_bound={meta.get('client_bound_phases') or []}")
    print()
    print("\n".join(notes))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The harness's mixed-workload dashboard calls, made from a process of their own.

    python3 Benchmarks/dashboard_probe.py --url http://127.0.0.1:5000 --seconds 18 &
    python3 ../shared/bench/mlflow_bench.py --url http://127.0.0.1:5000 --suite mixed_concurrency ...

The harness times its dashboard calls (runs/search ordered by metrics.m0, then the whole
get-history of m0 of a random job) inside the Python process whose 32 other threads do the
ingest, so each call also waits for that interpreter's lock. This probe waits for the harness's
`mixed` experiment and its runs to appear, then makes the same calls in a loop from its own
process and prints their p50/p99, the history's wait for the server apart from its JSON parsing.
Standard library only; loopback only.
"""
import argparse
import http.client
import json
import random
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--seconds", type=float, default=18.0, help="how long to probe once points arrive")
    parser.add_argument("--runs", type=int, default=32, help="jobs the harness starts (its --mixed-jobs)")
    args = parser.parse_args()
    parts = urllib.parse.urlsplit(args.url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback URLs only")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80)

    def call(method, path, body=None, params=None):
        if params:
            path += "?" + urllib.parse.urlencode(params)
        data = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        conn.request(method, "/api/2.0/mlflow/" + path, body=data, headers={"Content-Type": "application/json"} if data else {})
        response = conn.getresponse()
        payload = response.read()
        return payload, time.perf_counter() - started

    experiment = None
    while experiment is None:
        payload, _ = call("POST", "experiments/search", {"max_results": 1000})
        experiment = next((e["experiment_id"] for e in json.loads(payload).get("experiments", []) if "mixed" in e["name"]), None)
        time.sleep(0.05)
    runs = []
    while len(runs) < args.runs:
        payload, _ = call("POST", "runs/search", {"experiment_ids": [experiment], "max_results": 1000})
        runs = [r["info"]["run_id"] for r in json.loads(payload).get("runs", [])]
        time.sleep(0.02)
    while not json.loads(call("GET", "metrics/get-history", params={"run_id": runs[0], "metric_key": "m0"})[0]).get("metrics"):
        time.sleep(0.02)

    rng = random.Random(1)
    search, history, waits, parses, points = [], [], [], [], 0
    end = time.perf_counter() + args.seconds
    while time.perf_counter() < end:
        payload, seconds = call("POST", "runs/search", {"experiment_ids": [experiment], "max_results": 100, "order_by": ["metrics.m0 ASC"]})
        json.loads(payload)
        search.append(seconds)
        run_id, token, wait, parse, started = runs[rng.randrange(len(runs))], None, 0.0, 0.0, time.perf_counter()
        while True:
            params = {"run_id": run_id, "metric_key": "m0"}
            if token:
                params["page_token"] = token
            payload, seconds = call("GET", "metrics/get-history", params=params)
            wait += seconds
            parse_started = time.perf_counter()
            page = json.loads(payload)
            parse += time.perf_counter() - parse_started
            points += len(page.get("metrics", []))
            token = page.get("next_page_token")
            if not token:
                break
        history.append(time.perf_counter() - started)
        waits.append(wait)
        parses.append(parse)

    def quantile(values, q):
        values = sorted(values)
        return round(1000 * values[min(len(values) - 1, int(q * len(values)))], 2)

    print(json.dumps({
        "search_ms": {"n": len(search), "p50": quantile(search, 0.5), "p99": quantile(search, 0.99)},
        "history_ms": {"n": len(history), "p50": quantile(history, 0.5), "p99": quantile(history, 0.99)},
        "history_wait_ms": {"p50": quantile(waits, 0.5), "p99": quantile(waits, 0.99)},
        "history_parse_ms": {"p50": quantile(parses, 0.5), "p99": quantile(parses, 0.99)},
        "points_per_history": points // max(1, len(history)),
    }))


if __name__ == "__main__":
    main()

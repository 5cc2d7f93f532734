#!/usr/bin/env python3
"""Where a paged history read spends its time on the client's side.

    python3 Benchmarks/history_client.py --url http://127.0.0.1:5000 --points 1000000

Logs --points points of one metric into a new run of any MLflow-API server, then reads them back
--reps times as the side-by-side harness does (metrics/get-history pages of 25,000, each page
parsed with json.loads and its points appended), timing the wait for each page apart from the
parsing. Then it parses the pages it kept, with no server involved: the floor any server meets
with this client. Standard library only; loopback only.
"""
import argparse
import http.client
import json
import random
import socket
import time
import urllib.parse

PAGE = 25000


class Client:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("loopback URLs only")
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def call(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if body is not None:
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, "/api/2.0/mlflow/" + path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"{method} {path}: {response.status} {data[:200]!r}")
        return data


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    client = Client(args.url)

    experiment = json.loads(client.call("POST", "experiments/create", {"name": f"history-client-{time.time_ns()}"}))["experiment_id"]
    run = json.loads(client.call("POST", "runs/create", {"experiment_id": experiment, "start_time": 1}))["run"]["info"]["run_id"]
    rng = random.Random(7)
    t0 = 1_700_000_000_000
    for start in range(0, args.points, 1000):
        metrics = [{"key": "loss", "value": rng.random(), "timestamp": t0 + step, "step": step}
                   for step in range(start, min(args.points, start + 1000))]
        client.call("POST", "runs/log-batch", {"run_id": run, "metrics": metrics})
    print(f"logged {args.points:,} points")

    pages = []
    for rep in range(args.reps):
        pages, points, token = [], [], None
        waiting = parsing = 0.0
        started = time.perf_counter()
        while True:
            query = {"run_id": run, "metric_key": "loss", "max_results": PAGE}
            if token:
                query["page_token"] = token
            before = time.perf_counter()
            data = client.call("GET", "metrics/get-history?" + urllib.parse.urlencode(query))
            fetched = time.perf_counter()
            document = json.loads(data)
            points.extend(document.get("metrics", []))
            token = document.get("next_page_token")
            parsed = time.perf_counter()
            waiting += fetched - before
            parsing += parsed - fetched
            pages.append(data)
            if not token:
                break
        if len(points) != args.points:
            raise SystemExit(f"read {len(points):,} points, logged {args.points:,}")
        size = sum(len(page) for page in pages)
        print(f"read {rep + 1}: {time.perf_counter() - started:.3f} s = waiting and reading {waiting:.3f} s"
              f" + parsing {parsing:.3f} s ({len(pages)} pages, {size / len(points):.1f} bytes per point)")

    for rep in range(args.reps):
        started = time.perf_counter()
        points = []
        for data in pages:
            points.extend(json.loads(data).get("metrics", []))
        print(f"parsing the kept pages alone {rep + 1}: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()

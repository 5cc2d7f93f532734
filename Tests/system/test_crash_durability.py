"""An answer of success means committed: the server is killed with SIGKILL at random moments
during heavy concurrent ingest, 20 times over, and after every restart each acknowledged
metric point, param, tag and artifact is there, and SQLite's integrity check passes."""
from __future__ import annotations

import os
import random
import sqlite3
import threading
import time

from track_process import Client, Server, history

CYCLES = int(os.environ.get("TRACK_CRASH_CYCLES", "20"))
WRITERS = 12


class Ledger:
    """What the server acknowledged, shared by the writer threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.points: dict[tuple[str, str], dict[int, float]] = {}
        self.params: dict[str, dict[str, str]] = {}
        self.tags: dict[str, dict[str, str]] = {}
        self.artifacts: dict[tuple[str, str], bytes] = {}
        self.requests = 0


def writer(url: str, run_id: str, experiment_id: str, ledger: Ledger, seed: int, stop: threading.Event, step_base: int):
    rng = random.Random(seed)
    client = Client(url, timeout=10)
    step = step_base
    while not stop.is_set():
        kind = rng.random()
        try:
            if kind < 0.8:
                metrics = []
                for _ in range(rng.randint(1, 200)):
                    key = f"m{rng.randint(0, 3)}"
                    metrics.append({"key": key, "value": rng.uniform(-1e6, 1e6), "timestamp": 1_700_000_000_000 + step, "step": step})
                    step += 1
                params = [{"key": f"p{seed}_{step}", "value": str(step)}] if rng.random() < 0.2 else []
                tags = [{"key": "progress", "value": str(step)}] if rng.random() < 0.3 else []
                status, _ = client.post("runs/log-batch", {"run_id": run_id, "metrics": metrics, "params": params, "tags": tags})
                if status == 200:
                    with ledger.lock:
                        ledger.requests += 1
                        for m in metrics:
                            ledger.points.setdefault((run_id, m["key"]), {})[m["step"]] = m["value"]
                        for p in params:
                            ledger.params.setdefault(run_id, {})[p["key"]] = p["value"]
                        for t in tags:
                            ledger.tags.setdefault(run_id, {})[t["key"]] = t["value"]
            else:
                name = f"file-{step}.bin"
                data = rng.randbytes(rng.randint(0, 200_000))
                step += 1
                status, _, _ = client.request(
                    "PUT", f"/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{run_id}/artifacts/{name}", data,
                    {"Content-Type": "application/octet-stream"},
                )
                if status == 200:
                    with ledger.lock:
                        ledger.artifacts[(run_id, name)] = data
        except OSError:
            # The server died under us: what was not acknowledged may or may not be stored.
            return


def verify(server: Server, ledger: Ledger, experiment_id: str):
    client = Client(server.url)
    with ledger.lock:
        points = {k: dict(v) for k, v in ledger.points.items()}
        params = {k: dict(v) for k, v in ledger.params.items()}
        tags = {k: dict(v) for k, v in ledger.tags.items()}
        artifacts = dict(ledger.artifacts)
    for (run_id, key), expected in points.items():
        stored = {p["step"]: p["value"] for p in history(client, run_id, key)}
        missing = [s for s in expected if s not in stored]
        assert not missing, f"{len(missing)} acknowledged points of {run_id}/{key} are gone, e.g. steps {missing[:5]}"
        wrong = [s for s, v in expected.items() if stored[s] != v]
        assert not wrong, f"points of {run_id}/{key} changed value at steps {wrong[:5]}"
    for run_id in set(params) | set(tags):
        status, answer = client.get("runs/get", run_id=run_id)
        assert status == 200
        data = answer["run"]["data"]
        stored_params = {p["key"]: p["value"] for p in data.get("params", [])}
        for key, value in params.get(run_id, {}).items():
            assert stored_params.get(key) == value, f"acknowledged param {key} of {run_id} is gone"
        stored_tags = {t["key"] for t in data.get("tags", [])}
        for key in tags.get(run_id, {}):
            assert key in stored_tags, f"acknowledged tag {key} of {run_id} is gone"
    for (run_id, name), data in artifacts.items():
        status, _, body = client.request("GET", f"/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{run_id}/artifacts/{name}")
        assert status == 200 and body == data, f"acknowledged artifact {name} of {run_id}: status {status}, {len(body)} of {len(data)} bytes"
    client.close()


def integrity(database) -> str:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_sigkill_during_ingest_loses_nothing_acknowledged(tmp_path):
    data = tmp_path / "data"
    server = Server(data).start()
    client = Client(server.url)
    status, answer = client.post("experiments/create", {"name": "crash"})
    assert status == 200
    experiment_id = answer["experiment_id"]
    runs = []
    for index in range(WRITERS):
        status, answer = client.post("runs/create", {"experiment_id": experiment_id, "run_name": f"w{index}"})
        runs.append(answer["run"]["info"]["run_id"])
    client.close()

    ledger = Ledger()
    rng = random.Random(7)
    try:
        for cycle in range(CYCLES):
            stop = threading.Event()
            threads = [
                threading.Thread(target=writer, args=(server.url, runs[i], experiment_id, ledger, cycle * 100 + i, stop, (cycle + 1) * 10_000_000 + i * 100_000))
                for i in range(WRITERS)
            ]
            for thread in threads:
                thread.start()
            time.sleep(rng.uniform(0.2, 1.5))
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            assert integrity(data / "track.db") == "ok", f"integrity check failed after kill {cycle + 1}"
            server.start()
            verify(server, ledger, experiment_id)
        assert ledger.requests > CYCLES * 5, f"too little was acknowledged to prove anything: {ledger.requests} batches"
        print(
            f"\n{CYCLES} kills: {ledger.requests} acknowledged batches, "
            f"{sum(len(v) for v in ledger.points.values())} points, {len(ledger.artifacts)} artifacts, all present"
        )
    finally:
        server.kill()

"""64 concurrent writers and 4 readers on loopback for 60 s (TRACK_SOAK_SECONDS for a longer
soak): no request fails, every acknowledged point is stored exactly once, a writer reading its
run back always sees its last acknowledged batch (while the readers keep the same runs loaded),
and the server's memory stays flat once warm."""
from __future__ import annotations

import os
import random
import threading
import time

from track_process import Client, Server, history, run_track

SECONDS = float(os.environ.get("TRACK_SOAK_SECONDS", "60"))
WRITERS = 64
READERS = 4
BATCH = 100


def test_64_writers_and_4_readers(tmp_path):
    server = Server(tmp_path / "data").start()
    setup = Client(server.url)
    status, answer = setup.post("experiments/create", {"name": "load"})
    experiment_id = answer["experiment_id"]
    run_ids = []
    for index in range(WRITERS):
        status, answer = setup.post("runs/create", {"experiment_id": experiment_id, "run_name": f"writer-{index}"})
        assert status == 200
        run_ids.append(answer["run"]["info"]["run_id"])
    setup.close()

    stop = threading.Event()
    errors: list[str] = []
    acked = [0] * WRITERS
    reads = [0] * READERS
    lock = threading.Lock()

    def fail(message: str):
        with lock:
            if len(errors) < 20:
                errors.append(message)

    def write(index: int):
        client = Client(server.url, timeout=60)
        run_id = run_ids[index]
        step = 0
        while not stop.is_set():
            metrics = [{"key": "loss", "value": (step + i) * 0.5, "timestamp": 1_700_000_000_000 + step + i, "step": step + i} for i in range(BATCH)]
            try:
                status, answer = client.post("runs/log-batch", {"run_id": run_id, "metrics": metrics})
            except OSError as error:
                fail(f"writer {index}: {error!r}")
                return
            if status != 200:
                fail(f"writer {index}: HTTP {status} {answer}")
                return
            step += BATCH
            acked[index] = step
            if (step // BATCH) % 10 == 0:
                try:
                    status, answer = client.get("runs/get", run_id=run_id)
                except OSError as error:
                    fail(f"writer {index} reading back: {error!r}")
                    return
                latest = {m["key"]: m["step"] for m in answer.get("run", {}).get("data", {}).get("metrics", [])} if status == 200 else {}
                if latest.get("loss") != step - 1:
                    fail(f"writer {index}: runs/get after the batch ending at step {step - 1} was acknowledged shows {latest.get('loss')} (HTTP {status})")
                    return

    def read(index: int):
        client = Client(server.url, timeout=60)
        rng = random.Random(index)
        while not stop.is_set():
            run_id = rng.choice(run_ids)
            try:
                calls = [
                    ("runs/get", lambda: client.get("runs/get", run_id=run_id)),
                    ("metrics/get-history", lambda: client.get("metrics/get-history", run_id=run_id, metric_key="loss", max_results=1000)),
                    ("runs/search", lambda: client.post("runs/search", {"experiment_ids": [experiment_id], "filter": "metrics.loss > 10", "order_by": ["metrics.loss DESC"], "max_results": 20})),
                ]
                name, call = rng.choice(calls)
                status, answer = call()
            except OSError as error:
                fail(f"reader {index}: {error!r}")
                return
            if status != 200:
                fail(f"reader {index} {name}: HTTP {status} {answer}")
                return
            reads[index] += 1

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)] + [
        threading.Thread(target=read, args=(i,)) for i in range(READERS)
    ]
    samples: list[int] = []
    start = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - start < SECONDS and not errors:
        samples.append(server.rss_bytes())
        time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - start

    assert not errors, "requests failed under load:\n" + "\n".join(errors)
    check = Client(server.url)
    for index, run_id in enumerate(run_ids):
        steps = [p["step"] for p in history(check, run_id, "loss")]
        assert steps == list(range(acked[index])), f"run {index}: {len(steps)} points stored, {acked[index]} acknowledged"
    total = sum(acked)
    third = max(1, len(samples) // 3)
    warm, late = max(samples[third:2 * third] or samples), max(samples[2 * third:] or samples)
    print(
        f"\n{WRITERS} writers + {READERS} readers for {elapsed:.0f} s: {total} points acknowledged "
        f"({total / elapsed:,.0f}/s), {sum(reads)} reads, 0 errors; RSS warm {warm / 2**20:.0f} MiB, "
        f"late {late / 2**20:.0f} MiB, peak {max(samples) / 2**20:.0f} MiB"
    )
    # Flat: the last third does not outgrow the middle third (caches fill early, then stop).
    assert late <= warm * 1.25 + 24 * 2**20, f"memory grew under steady load: {warm / 2**20:.0f} -> {late / 2**20:.0f} MiB"
    assert server.stop() == 0


def test_the_run_cache_can_be_sized_or_turned_off(tmp_path):
    refused = run_track("server", "--data-dir", str(tmp_path / "refused"), "--run-cache-mb=-1", check=False)
    assert refused.returncode != 0 and "run cache" in refused.stderr, refused.stderr
    server = Server(tmp_path / "data", "--run-cache-mb", "0").start()
    client = Client(server.url)
    status, answer = client.post("runs/create", {"experiment_id": "0", "run_name": "uncached"})
    assert status == 200
    run_id = answer["run"]["info"]["run_id"]
    for value in (1.0, 2.0):
        status, _ = client.post("runs/log-metric", {"run_id": run_id, "key": "loss", "value": value, "timestamp": 1, "step": int(value)})
        assert status == 200
        status, answer = client.post("runs/search", {"experiment_ids": ["0"]})
        assert status == 200 and answer["runs"][0]["data"]["metrics"][0]["value"] == value
    assert server.stop() == 0

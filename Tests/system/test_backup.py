"""`track backup` while writers are busy gives a consistent snapshot, and `track restore
--backup` brings it back into a data folder that a server then serves."""
from __future__ import annotations

import threading

from track_process import Client, Server, history, run_track

RUNS = 8
BATCH = 250


def test_backup_under_load_restores_a_consistent_snapshot(tmp_path):
    server = Server(tmp_path / "data").start()
    client = Client(server.url)
    status, answer = client.post("experiments/create", {"name": "backed-up"})
    experiment_id = answer["experiment_id"]
    run_ids = [client.post("runs/create", {"experiment_id": experiment_id})[1]["run"]["info"]["run_id"] for _ in range(RUNS)]
    for run_id in run_ids:
        assert client.request("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{run_id}/artifacts/model.bin", run_id.encode() * 1000)[0] == 200
    client.close()

    stop = threading.Event()
    acked = [0] * RUNS

    def write(index: int):
        writer = Client(server.url)
        step = 0
        while not stop.is_set():
            metrics = [{"key": "loss", "value": float(step + i), "timestamp": 1, "step": step + i} for i in range(BATCH)]
            status, _ = writer.post("runs/log-batch", {"run_id": run_ids[index], "metrics": metrics})
            assert status == 200
            step += BATCH
            acked[index] = step

    threads = [threading.Thread(target=write, args=(i,)) for i in range(RUNS)]
    for thread in threads:
        thread.start()
    while sum(acked) < RUNS * BATCH * 4:
        threading.Event().wait(0.05)
    before = list(acked)
    result = run_track("backup", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "data"))
    stop.set()
    for thread in threads:
        thread.join()
    assert f"{RUNS} runs" in result.stdout

    # A running server keeps its folder from being restored over.
    refused = run_track("restore", "--backup", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "data"), check=False)
    assert refused.returncode == 1 and "stop it first" in refused.stderr
    assert server.stop() == 0

    run_track("restore", "--backup", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "restored"))
    restored = Server(tmp_path / "restored").start()
    try:
        reader = Client(restored.url)
        for index, run_id in enumerate(run_ids):
            steps = [p["step"] for p in history(reader, run_id, "loss")]
            # Whole batches, in order, at least everything acknowledged before the backup began.
            assert steps == list(range(len(steps))), f"run {index}: not a prefix of the logged steps"
            assert len(steps) % BATCH == 0 and len(steps) >= before[index]
            status, _, body = reader.request("GET", f"/api/2.0/mlflow-artifacts/artifacts/{experiment_id}/{run_id}/artifacts/model.bin")
            assert status == 200 and body == run_id.encode() * 1000
    finally:
        restored.stop()

"""track_client: a non-blocking tracking client for track (and MLflow) servers.

    from track_client import Tracker

    with Tracker(experiment="spirals", run_name="lr-0.01", params={"lr": 0.01}) as tracker:
        for step in range(1000):
            tracker.log_metric("loss", loss, step=step)   # returns at once

``log_metric`` only appends to an in-memory queue; a background thread ships batches with
``runs/log-batch``, retries when the server is away and, if it stays away, writes to the on-disk
spool (``docs/SPOOL.md``) that ``track sync`` uploads later. Standard library only.
"""
from ._client import Credentials, TrackerError, TrackingClient
from ._spool import SPOOL_VERSION, pending_files, read_spool, sync_file, sync_all
from ._tracker import Tracker, TrackerConfig, RUN_KEY_TAG, HEARTBEAT_TAG

__all__ = [
    "Tracker",
    "TrackerConfig",
    "TrackerError",
    "TrackingClient",
    "Credentials",
    "SPOOL_VERSION",
    "pending_files",
    "read_spool",
    "sync_file",
    "sync_all",
    "RUN_KEY_TAG",
    "HEARTBEAT_TAG",
]
__version__ = "0.1.0"

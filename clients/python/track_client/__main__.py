"""python -m track_client sync [--spool DIR] [--url URL]: the Python twin of `track sync`."""
from __future__ import annotations

import argparse
import os
import sys

from ._client import TrackingClient
from ._spool import default_spool_dir, pending_files, sync_file


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m track_client")
    sub = parser.add_subparsers(dest="command", required=True)
    sync = sub.add_parser("sync", help="upload spooled runs")
    sync.add_argument("--spool", default=None, help="spool folder (default: $TRACK_SPOOL, else ~/.cache/track/spool)")
    sync.add_argument("--url", default=None,
                      help="server (default: $TRACK_URL, else $MLFLOW_TRACKING_URI, else http://127.0.0.1:5000)")
    args = parser.parse_args(argv)
    client = TrackingClient(args.url)
    folder = default_spool_dir(args.spool)
    files = pending_files(folder)
    if not files:
        print(f"Nothing to sync in {folder}.")
        return 0
    if not client.healthy():
        sys.stderr.write(
            f"error: cannot reach the track server at {client.url}; {len(files)} file(s) left in {folder}.\n"
            "Start one with `track server` (it listens on http://127.0.0.1:5000), or point to yours with "
            "--url, TRACK_URL or MLFLOW_TRACKING_URI.\n")
        return 1
    failed = 0
    for path in files:
        result = sync_file(path, client)
        name = os.path.basename(path)
        outcome = result["outcome"]
        if outcome == "synced":
            line = f"{name}: synced to run {result.get('run_id')} ({result.get('records', 0)} records, " \
                   f"{result.get('metrics', 0)} metric points)"
        elif outcome == "in_use":
            line = f"{name}: skipped, a running tracker is writing it"
        elif outcome == "unsupported":
            line = f"{name}: skipped: {result.get('error')}"
        else:
            line = f"{name}: failed: {result.get('error')}; run sync again"
        if result.get("ignored_lines"):
            line += f"; {result['ignored_lines']} incomplete line(s) ignored"
        if result.get("refused"):
            line += f"; the server refused {len(result['refused'])} item(s), e.g. {result['refused'][0].message}"
        print(line)
        failed += outcome not in ("synced", "in_use")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

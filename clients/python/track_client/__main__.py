"""python -m track_client sync [--spool DIR] [--url URL]: the Python twin of `track sync`."""
from __future__ import annotations

import argparse
import sys

from ._client import TrackingClient
from ._spool import pending_files, sync_file


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m track_client")
    sub = parser.add_subparsers(dest="command", required=True)
    sync = sub.add_parser("sync", help="upload spooled runs")
    sync.add_argument("--spool", default=None)
    sync.add_argument("--url", default=None)
    args = parser.parse_args(argv)
    client = TrackingClient(args.url)
    files = pending_files(args.spool)
    if not files:
        print("Nothing to sync.")
        return 0
    if not client.healthy():
        print(f"The server at {client.url} is not answering; {len(files)} file(s) left.")
        return 2
    failed = 0
    for path in files:
        result = sync_file(path, client)
        print(f"{path}: {result['outcome']}" + (f" (run {result.get('run_id')})" if result.get("run_id") else ""))
        failed += result["outcome"] not in ("synced", "in_use")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

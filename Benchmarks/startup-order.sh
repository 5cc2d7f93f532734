#!/usr/bin/env bash
# Regenerates Sources/TrackCLI/startup-order.txt: the functions `track server` runs from start-up
# until it has answered its first requests, one symbol per line. A release build (README, under
# "track server") lays these out together at the start of its code (Package.swift), so the pages
# the kernel maps for them hold little else: the server's resident memory when idle is mostly
# code it ran, not code that shares a page with it.
#
# Usage: bash Benchmarks/startup-order.sh [BIN]
#   BIN defaults to .build-release/release/track, built as the README says. Needs valgrind
#   (apt-get install valgrind). Re-run it when start-up changes; a stale list costs memory only.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${1:-$REPO/.build-release/release/track}"
OUT="$REPO/Sources/TrackCLI/startup-order.txt"
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }

WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

# valgrind reads the symbol table but not the DWARF the compiler writes: profile a copy without it.
strip --strip-debug -o "$WORK/track" "$BIN"
valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" --dump-instr=no \
    --compress-strings=no --demangle=no \
    "$WORK/track" server --port "$PORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/health" && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.2
done
# What a client, a health check and a benchmark harness do first.
curl -fs -o /dev/null "http://127.0.0.1:$PORT/version"
curl -fs -o /dev/null "http://127.0.0.1:$PORT/health"
kill -INT "$PID"
wait "$PID" || true

python3 - "$WORK/callgrind.out" "$WORK/track" "$OUT" <<'EOF'
import re, sys
profile, binary, out = sys.argv[1:]
functions, obj = set(), None
for line in open(profile, errors="replace"):
    if line.startswith("ob="):
        obj = line[3:].strip()
    elif line.startswith("fn=") and obj == binary:
        name = re.sub(r"'\d+$", "", line[3:].strip())
        if not name.startswith("0x"):
            functions.add(name)
if len(functions) < 1000:
    sys.exit(f"only {len(functions)} functions profiled: is {binary} the server?")
with open(out, "w") as f:
    for name in sorted(functions):
        f.write(f"{name}\n")
print(f"{len(functions)} functions written to {out}")
EOF

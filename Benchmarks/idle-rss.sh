#!/usr/bin/env bash
# Resident memory of an idle `track server`, measured as the benchmark harness does (right after
# GET /version and GET /health), with the binary's pages first dropped from the page cache so it
# starts as it would after a reboot. Prints RSS, PSS and anonymous memory for each run, then the
# binary's resident pages by ELF section for the last one.
#
# Usage: bash Benchmarks/idle-rss.sh [BIN] [RUNS]
#   BIN defaults to .build-release/release/track (the README's, under "track server"); RUNS to 5.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(realpath "${1:-$REPO/.build-release/release/track}")"
RUNS="${2:-5}"
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

for run in $(seq 1 "$RUNS"); do
    python3 -c 'import os,sys; fd=os.open(sys.argv[1],os.O_RDONLY); os.posix_fadvise(fd,0,0,os.POSIX_FADV_DONTNEED)' "$BIN"
    "$BIN" server --port "$PORT" --data-dir "$WORK/data-$run" >"$WORK/server.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.1; done
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/version"
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/health"
    sleep 0.5
    awk -v run="$run" '/^Rss:/{r=$2} /^Pss:/{p=$2} /^Anonymous:/{a=$2} END{printf "run %s: RSS %.1f MB, PSS %.1f MB, anonymous %.1f MB\n", run, r/1024, p/1024, a/1024}' "/proc/$PID/smaps_rollup"
    if [ "$run" = "$RUNS" ]; then
        python3 - "$PID" "$BIN" <<'EOF'
import os, re, struct, subprocess, sys
pid, binary = sys.argv[1], sys.argv[2]
elf = subprocess.run(["readelf", "-hSW", binary], capture_output=True, text=True).stdout
sections = []
for line in elf.splitlines():
    m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
    if m and int(m.group(2), 16) and int(m.group(3), 16):
        sections.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16)))
mappings, base = [], None
for line in open(f"/proc/{pid}/maps"):
    fields = line.split()
    if len(fields) >= 6 and fields[5] == binary:
        start, end = (int(x, 16) for x in fields[0].split("-"))
        if int(fields[2], 16) == 0 and base is None:
            base = start
        mappings.append((start, end))
if "EXEC (Executable file)" in elf:
    base = 0
pagemap = open(f"/proc/{pid}/pagemap", "rb")
def resident(address):
    if not any(s <= address < e for s, e in mappings):
        return False
    pagemap.seek(address // 4096 * 8)
    return struct.unpack("Q", pagemap.read(8))[0] >> 63 == 1
print("binary's resident pages by section (KB):")
for name, address, size in sections:
    first = (base + address) // 4096 * 4096
    pages = sum(resident(a) for a in range(first, base + address + size, 4096))
    if pages * 4 >= 64:
        print(f"  {name:24s} {pages * 4:8d} of {size // 1024:8d}")
EOF
    fi
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done

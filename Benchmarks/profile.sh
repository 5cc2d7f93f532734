#!/usr/bin/env bash
# Profiles of the server's hot paths on a release binary: log-batch ingest, get-history paging
# and filtered, ordered run search.
#
#   bash Benchmarks/profile.sh [TRACK_BIN] [TRACK_LOAD_BIN]
#       (default: .build-release/release/track and .build-release/release/track-load)
#   PROFILER=perf bash Benchmarks/profile.sh      # sampling instead of instruction counts
#
# Each hot path is profiled in its own server process; the data a read path needs is seeded
# first by the same binary without the profiler.
# - PROFILER=callgrind (default): instruction counts (Ir) with valgrind, which do not depend on
#   other load on the machine. Output: .build-bench/profile/<path>.callgrind and a summary of the
#   heaviest functions (inclusive and self) per path.
# - PROFILER=perf: `perf record -e cpu-clock -g` samples of the server process, for machines where
#   valgrind cannot run the binary. Output: .build-bench/profile/<path>.perf.data and a summary
#   per path (shares by library, then by function, inclusive).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"
BIN="${1:-$REPO/.build-release/release/track}"
LOAD="${2:-$REPO/.build-release/release/track-load}"
OUT="$REPO/.build-bench/profile"
WORK="$(mktemp -d /tmp/track-profile.XXXXXX)"
mkdir -p "$OUT"
PORT=5079
PROFILER="${PROFILER:-callgrind}"
SERVER=""
RECORDER=""
cleanup() {
  [[ -n "$RECORDER" ]] && kill -INT "$RECORDER" 2>/dev/null
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

serve() { # data-dir [profile-name]
  if [[ -n "${2:-}" && $PROFILER == callgrind ]]; then
    # valgrind stops on the compiler's DWARF (and on the shared-library build altogether): profile a
    # copy of the statically linked build (the README's, under "track server") without it.
    [[ -x "$WORK/track-symbols" ]] || strip --strip-debug -o "$WORK/track-symbols" "$BIN"
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$2.callgrind" --dump-instr=no --separate-threads=no \
      "$WORK/track-symbols" server --host 127.0.0.1 --port $PORT --data-dir "$1" --log-level warning >"$WORK/server.log" 2>&1 &
  else
    "$BIN" server --host 127.0.0.1 --port $PORT --data-dir "$1" --log-level warning >"$WORK/server.log" 2>&1 &
  fi
  SERVER=$!
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null; then
      if [[ -n "${2:-}" && $PROFILER == perf ]]; then
        perf record -q -e cpu-clock -F 1999 -g -p "$SERVER" -o "$OUT/$2.perf.data" >/dev/null 2>&1 &
        RECORDER=$!
        sleep 1
      fi
      return 0
    fi
    sleep 0.2
  done
  echo "server did not start" >&2; exit 1
}
stop() {
  if [[ -n "$RECORDER" ]]; then kill -INT "$RECORDER"; wait "$RECORDER" 2>/dev/null || true; RECORDER=""; fi
  kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}
api() { curl -fsS -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/api/2.0/mlflow/$1" ${2:+-d "$2"}; }

demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }

summary() { # name
  if [[ $PROFILER == perf ]]; then
    local file="$OUT/$1.perf.data"
    {
      echo "### $1"
      perf report -i "$file" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | sed -n '1,12p'
      echo
      perf report -i "$file" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | demangle | sed -n '1,80p'
    } >"$OUT/$1.txt"
    echo "== $1 -> $OUT/$1.txt"
    return
  fi
  local file="$OUT/$1.callgrind"
  {
    echo "### $1"
    callgrind_annotate --inclusive=yes "$file" 2>/dev/null | sed -n '1,60p' | demangle
    echo
    callgrind_annotate "$file" 2>/dev/null | sed -n '1,45p' | demangle
  } >"$OUT/$1.txt"
  echo "== $1: $(grep -m1 'PROGRAM TOTALS' "$OUT/$1.txt")  -> $OUT/$1.txt"
}

# 1. Ingest: log-batch of 1000 points (10 metrics x 100 steps) from 2 connections.
serve "$WORK/ingest" ingest
"$LOAD" --url "http://127.0.0.1:$PORT" --connections 2 --runs-per-connection 2 --warmup 0 --seconds 20 | tee "$OUT/ingest.load.txt"
stop
summary ingest

# 2. get-history: one series of 100,000 points, read as the mlflow client pages (25,000).
serve "$WORK/history"
exp=$(api experiments/create '{"name":"profile-history"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
run=$(api runs/create "{\"experiment_id\":\"$exp\",\"start_time\":0}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["info"]["run_id"])')
python3 - "$PORT" "$run" <<'EOF'
import http.client, json, sys, math
port, run = int(sys.argv[1]), sys.argv[2]
c = http.client.HTTPConnection("127.0.0.1", port)
for b in range(100):
    ms = [{"key": "loss", "value": math.exp(-s / 30000) + (s % 7) * 1e-4, "timestamp": 1700000000000 + s, "step": s}
          for s in range(b * 1000, (b + 1) * 1000)]
    c.request("POST", "/api/2.0/mlflow/runs/log-batch", json.dumps({"run_id": run, "metrics": ms}),
              {"Content-Type": "application/json"})
    r = c.getresponse(); r.read(); assert r.status == 200
EOF
stop
serve "$WORK/history" history
python3 - "$PORT" "$run" <<'EOF'
import http.client, json, sys, urllib.parse
port, run = int(sys.argv[1]), sys.argv[2]
c = http.client.HTTPConnection("127.0.0.1", port)
for rep in range(3):
    token, n = None, 0
    while True:
        q = {"run_id": run, "metric_key": "loss", "max_results": 25000}
        if token: q["page_token"] = token
        c.request("GET", "/api/2.0/mlflow/metrics/get-history?" + urllib.parse.urlencode(q))
        r = c.getresponse(); doc = json.loads(r.read()); assert r.status == 200
        n += len(doc.get("metrics", [])); token = doc.get("next_page_token")
        if not token: break
    assert n == 100000, n
print("history: 3 x 100,000 points read")
EOF
stop
summary history

# 3. Search: 10,000 runs with 5 params, 5 tags, 5 metrics; filter + order_by, 20 times.
serve "$WORK/search"
exp=$(api experiments/create '{"name":"profile-search"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["experiment_id"])')
python3 - "$PORT" "$exp" <<'EOF'
import http.client, json, sys, random
port, exp = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
c = http.client.HTTPConnection("127.0.0.1", port)
def call(path, body):
    c.request("POST", "/api/2.0/mlflow/" + path, json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse(); data = r.read(); assert r.status == 200, data; return json.loads(data)
for i in range(10000):
    rid = call("runs/create", {"experiment_id": exp, "run_name": f"s{i}", "start_time": 1700000000000 + i})["run"]["info"]["run_id"]
    call("runs/log-batch", {"run_id": rid,
        "params": [{"key": f"p{j}", "value": f"v{rng.randrange(10)}"} for j in range(5)],
        "tags": [{"key": f"t{j}", "value": f"tv{rng.randrange(100)}"} for j in range(5)],
        "metrics": [{"key": f"m{j}", "value": rng.random(), "timestamp": 0, "step": 0} for j in range(5)]})
EOF
stop
serve "$WORK/search" search
for _ in $(seq 1 20); do
  api runs/search "{\"experiment_ids\":[\"$exp\"],\"max_results\":1000,\"filter\":\"metrics.m0 > 0.5 and params.p1 = 'v3'\",\"order_by\":[\"metrics.m1 DESC\"]}" >/dev/null
done
stop
summary search

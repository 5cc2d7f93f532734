#!/usr/bin/env bash
# Runs the MLflow-API benchmark harness against track, MLflow and FastTrackML in one sitting on
# this machine and prints the ratio table against the performance targets.
#
#   bash Benchmarks/compare.sh [small|full] [servers...]     (default: small track mlflow fasttrackml)
#
# - Installs the peers from PyPI into their own venvs under .build-bench/ (mlflow==3.17.2,
#   fasttrackml==0.6.0), builds track in release mode (scratch path .build-release) unless
#   TRACK_BIN names a binary.
# - Starts every server on loopback with a fresh data folder, in its own process group, runs
#   shared/bench/mlflow_bench.py --verify against it (FastTrackML with --finite-only: it refuses
#   NaN inside log-batch), then stops the whole group.
# - With the server `track-stretch`, also measures track at the targets' sizes that the presets
#   do not reach: a 1,000,000-point history and search over 100,000 runs.
# - Prints `mlflow_bench.py --report` for each peer against track, then Benchmarks/ratios.py.
#
# Results: $OUT (default .build-bench/results)/<scale>-<server>.json. Each server and the harness
# run in their own session; when allowed (root), that session's scheduling group is given nice -10
# (/proc/PID/autogroup), so that other work on the machine disturbs them less. With the kernel's
# autogroup scheduling a plain `nice` does not do this: it only ranks processes of one session.
# The harness still reports the foreign CPU of every phase.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"
SCALE="${1:-small}"
shift || true
SERVERS=("$@")
((${#SERVERS[@]})) || SERVERS=(track mlflow fasttrackml)

HARNESS="${HARNESS:-$REPO/../shared/bench/mlflow_bench.py}"
[[ -f "$HARNESS" ]] || { echo "harness not found at $HARNESS (set HARNESS=...)" >&2; exit 1; }
BENCH="$REPO/.build-bench"
OUT="${OUT:-$BENCH/results}"
WORK="$(mktemp -d /tmp/track-bench.XXXXXX)"
mkdir -p "$OUT"
# $PRIO command...: runs the command in a new session whose scheduling group gets nice -10 (the
# command keeps the PID that `$!` reports).
PRIO=(setsid bash -c 'echo -10 > /proc/$$/autogroup 2>/dev/null; renice -n -10 -p $$ >/dev/null 2>&1; exec "$@"' prio)
GROUPS_STARTED=()

stop_group() { # pgid
  kill -TERM -- "-$1" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 -- "-$1" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL -- "-$1" 2>/dev/null || true
}
cleanup() { for group in "${GROUPS_STARTED[@]}"; do stop_group "$group"; done; rm -rf "$WORK"; }
trap cleanup EXIT

venv() { # name packages...
  local dir="$BENCH/venv-$1"; shift
  [[ -x "$dir/bin/python" ]] || python3 -m venv "$dir"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "$@" >&2
  echo "$dir"
}

start() { # log command...: starts the command in a new session (its own process group), prints its pid
  local log=$1; shift
  "${PRIO[@]}" "$@" >"$log" 2>&1 < /dev/null &
  local pid=$!
  GROUPS_STARTED+=("$pid")
  SERVER_PID=$pid
}

wait_healthy() { # url pid
  local start=$(date +%s.%N)
  for _ in $(seq 1 1200); do
    if curl -fsS -o /dev/null "$1/health" 2>/dev/null; then
      echo "healthy after $(echo "$(date +%s.%N) - $start" | bc) s"; return 0
    fi
    kill -0 "$2" 2>/dev/null || { echo "server exited during startup" >&2; return 1; }
    sleep 0.1
  done
  echo "server did not become healthy" >&2; return 1
}

harness() { # label url pid dbpath extra...
  local label=$1 url=$2 pid=$3 db=$4; shift 4
  "${PRIO[@]}" python3 "$HARNESS" --url "$url" --suite all --scale "$SCALE" --verify --server-pid "$pid" \
    --db-path "$db" --label "$label" --json-out "$OUT/$SCALE-$label.json" "$@" | grep -v '^{' || true
}

track_bin() {
  if [[ -n "${TRACK_BIN:-}" ]]; then echo "$TRACK_BIN"; return; fi
  swift build -c release --static-swift-stdlib --product track --scratch-path "$REPO/.build-release" >&2
  echo "$REPO/.build-release/release/track"
}

for server in "${SERVERS[@]}"; do
  dir="$WORK/$server"; mkdir -p "$dir"
  echo "== $server ($SCALE) $(date -u +%H:%M:%S)"
  case "$server" in
    track|track-stretch)
      bin="$(track_bin)"
      start "$dir/server.log" "$bin" server --host 127.0.0.1 --port 5076 --data-dir "$dir" --log-level warning
      wait_healthy http://127.0.0.1:5076 "$SERVER_PID"
      if [[ $server == track ]]; then
        harness track http://127.0.0.1:5076 "$SERVER_PID" "$dir/track.db"
      else
        "${PRIO[@]}" python3 "$HARNESS" --url http://127.0.0.1:5076 --suite history,search --scale full --verify \
          --server-pid "$SERVER_PID" --db-path "$dir/track.db" --label track-stretch \
          --history-points 1000000 --search-runs 100000 --json-out "$OUT/stretch-track.json" | grep -v '^{' || true
      fi
      ;;
    mlflow)
      env_dir="$(venv mlflow "mlflow==3.17.2")"
      start "$dir/server.log" env MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true "$env_dir/bin/mlflow" server \
        --host 127.0.0.1 --port 5077 --backend-store-uri "sqlite:///$dir/mlflow.db" \
        --artifacts-destination "$dir/artifacts" --serve-artifacts
      wait_healthy http://127.0.0.1:5077 "$SERVER_PID"
      harness mlflow http://127.0.0.1:5077 "$SERVER_PID" "$dir/mlflow.db"
      ;;
    fasttrackml)
      env_dir="$(venv fml "fasttrackml==0.6.0")"
      start "$dir/server.log" "$env_dir/bin/fml" server --listen-address 127.0.0.1:5078 \
        --database-uri "sqlite://$dir/fml.db" --default-artifact-root "$dir/artifacts"
      wait_healthy http://127.0.0.1:5078 "$SERVER_PID"
      # FastTrackML refuses NaN inside log-batch, so it is measured with finite values only.
      harness fasttrackml http://127.0.0.1:5078 "$SERVER_PID" "$dir/fml.db" --finite-only
      ;;
    *) echo "unknown server $server" >&2; exit 2 ;;
  esac
  stop_group "$SERVER_PID"
done

cd "$OUT"
for peer in mlflow fasttrackml; do
  if [[ -f "$SCALE-$peer.json" && -f "$SCALE-track.json" ]]; then
    echo; echo "## $peer -> track ($SCALE)"; python3 "$HARNESS" --report "$SCALE-$peer.json" "$SCALE-track.json"
  fi
done
echo
python3 "$REPO/Benchmarks/ratios.py" --dir "$OUT" --scale "$SCALE"

#!/usr/bin/env bash
# Runs the MLflow-API benchmark harness against track, MLflow and FastTrackML in one sitting on
# this machine and prints the ratio table.
#
#   bash Benchmarks/compare.sh [small|full] [servers...]      (default: small track mlflow fasttrackml)
#
# Installs the peers into .build/venv-bench (pip), builds track in release mode, starts every
# server on loopback with a fresh data folder, runs shared/bench/mlflow_bench.py with --verify,
# stops it, and finally prints `mlflow_bench.py --report` for the results. Results land in
# .build/bench-results/<scale>-<server>.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"
SCALE="${1:-small}"
shift || true
SERVERS=("$@")
((${#SERVERS[@]})) || SERVERS=(track mlflow fasttrackml)

HARNESS="${HARNESS:-$REPO/../shared/bench/mlflow_bench.py}"
[[ -f "$HARNESS" ]] || { echo "harness not found at $HARNESS (set HARNESS=...)" >&2; exit 1; }
VENV="$REPO/.build/venv-bench"
OUT="$REPO/.build/bench-results"
WORK="$(mktemp -d /tmp/track-bench.XXXXXX)"
mkdir -p "$OUT"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

need_venv() {
  [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@"
}

wait_healthy() { # url pid
  for _ in $(seq 1 240); do
    curl -fsS "$1/health" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited during startup" >&2; return 1; }
    sleep 0.5
  done
  echo "server did not become healthy" >&2; return 1
}

run_harness() { # label url pid dbpath extra...
  local label=$1 url=$2 pid=$3 db=$4; shift 4
  python3 "$HARNESS" --url "$url" --suite all --scale "$SCALE" --verify --server-pid "$pid" \
    --db-path "$db" --label "$label" --json-out "$OUT/$SCALE-$label.json" "$@"
}

results=()
for server in "${SERVERS[@]}"; do
  dir="$WORK/$server"; mkdir -p "$dir"
  case "$server" in
    track)
      swift build -c release --product track >/dev/null
      "$REPO/.build/release/track" server --host 127.0.0.1 --port 5076 --data-dir "$dir" --log-level warning &
      pid=$!; PIDS+=("$pid")
      wait_healthy http://127.0.0.1:5076 "$pid"
      run_harness track http://127.0.0.1:5076 "$pid" "$dir/track.db" || true
      ;;
    mlflow)
      need_venv "mlflow==3.17.2"
      MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true "$VENV/bin/mlflow" server --host 127.0.0.1 --port 5077 \
        --backend-store-uri "sqlite:///$dir/mlflow.db" --artifacts-destination "$dir/artifacts" --serve-artifacts \
        >"$dir/server.log" 2>&1 &
      pid=$!; PIDS+=("$pid")
      wait_healthy http://127.0.0.1:5077 "$pid"
      run_harness mlflow http://127.0.0.1:5077 "$pid" "$dir/mlflow.db" || true
      ;;
    fasttrackml)
      need_venv "fasttrackml==0.6.0"
      "$VENV/bin/fml" server --listen-address 127.0.0.1:5078 --database-uri "sqlite:///$dir/fml.db" \
        --default-artifact-root "$dir/artifacts" >"$dir/server.log" 2>&1 &
      pid=$!; PIDS+=("$pid")
      wait_healthy http://127.0.0.1:5078 "$pid"
      # FastTrackML refuses NaN inside log-batch, so it is measured with finite values only.
      run_harness fasttrackml http://127.0.0.1:5078 "$pid" "$dir/fml.db" --finite-only || true
      ;;
    *) echo "unknown server $server" >&2; exit 2 ;;
  esac
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  results+=("$OUT/$SCALE-$server.json")
done

python3 "$HARNESS" --report "${results[@]}"

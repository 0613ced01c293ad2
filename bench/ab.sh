#!/usr/bin/env bash
# Two builds of diskret on the same workload, runs interleaved (A B A B ...), so that a
# change can be told apart from this machine's drift: on the 2-core VM the same binary
# moves by 10-15 % between runs minutes apart.
# Workload as in compare-kannel.sh: wrk with ../shared/peers/wrk/json-post.lua, our
# simulator as the carrier (receipts after 100 ms), a fresh database per run; prints the
# carrier's end-to-end rate of every run and the mean per build.
#   bench/ab.sh --a BIN --b BIN [--rounds 3] [--batch 1] [--connections 64] [--duration 10]
# Keep a copy of the binary before a change, e.g. cp build/bin/diskret /tmp/diskret-before.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$root/../shared/peers" 2>/dev/null && pwd || true)
bin="$root/build/bin"
a="" b="" rounds=3 batch=1 connections=64 duration=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --a) a="$2"; shift 2 ;;
    --b) b="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "ab: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x "$a" && -x "$b" ]] || { echo "ab: --a and --b must name diskret binaries" >&2; exit 2; }
[[ -e "$peers/wrk/json-post.lua" ]] || { echo "ab: ../shared/peers is missing" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/diskret-ab.XXXXXX")
sim_port=${BENCH_SIM_PORT:-22775}; sim_ctl=${BENCH_SIM_CONTROL:-22780}
http_port=${BENCH_HTTP_PORT:-28080}

source "$root/bench/lib.sh"
trap stop_pids EXIT
trap 'exit 130' INT TERM

# run_one <binary>: prints the end-to-end rate in msg/s.
run_one() {
  local data="$out/data" cfg="$out/diskret.toml"
  rm -rf "$data"; mkdir -p "$data"
  diskret_toml "$data" "$http_port" "$sim_port" > "$cfg"
  "$1" migrate --config "$cfg" >/dev/null
  local tenant key
  tenant=$("$1" tenant create --config "$cfg" --name Bench --region DE --json)
  key=$(json_field "$tenant" api_key)
  "$bin/diskret-smsc" --listen "127.0.0.1:$sim_port" --control "127.0.0.1:$sim_ctl" \
    --system-id diskret --password secret --dlr-delay-ms 100 --dlr-fail-ratio 0 \
    > "$out/smsc.out" 2> "$out/smsc.err" &
  pids+=($!)
  wait_port "$sim_ctl"; wait_port "$sim_port"
  "$1" serve --config "$cfg" > /dev/null 2> "$out/diskret.log" &
  pids+=($!)
  wait_port "$http_port"; sleep 1
  curl -s -X POST "http://127.0.0.1:$sim_ctl/reset" >/dev/null
  env WRK_API_KEY="$key" WRK_BATCH="$batch" WRK_DEST_BASE=4916000000000 \
    wrk -t1 -c"$connections" -d"${duration}s" -s "$peers/wrk/json-post.lua" \
    "http://127.0.0.1:$http_port" > "$out/wrk.txt" 2>&1
  local rate n
  read -r rate n < <(settle_rate)
  stop_pids
  echo "$rate"
}

sum_a=0 sum_b=0
for r in $(seq 1 "$rounds"); do
  ra=$(run_one "$a"); rb=$(run_one "$b")
  echo "round $r: a ${ra} msg/s, b ${rb} msg/s"
  sum_a=$((sum_a + ra)); sum_b=$((sum_b + rb))
done
mean_a=$((sum_a / rounds)) mean_b=$((sum_b / rounds))
echo "mean: a ${mean_a} msg/s, b ${mean_b} msg/s, b/a $(awk -v x="$mean_b" -v y="$mean_a" 'BEGIN{printf "%.2f", (y > 0 ? x / y : 0)}')"
rm -rf "$out"

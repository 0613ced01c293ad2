#!/usr/bin/env bash
# diskret vs Kannel on this machine, one run, same carrier (diskret-smsc) and load tool (wrk):
#   1. Kannel 1.4.5 (file store) <- wrk sendsms.lua, 64 connections, single messages
#   2. diskret <- wrk json-post.lua, 64 connections, single messages
#   3. diskret <- wrk json-post.lua, batches of 1,000 recipients
#   4. diskret accept latency p50/p99 at a constant 5,000 requests/s (bench/loadgen/paced_post)
#   5. diskret peak RSS with 1,000,000 messages queued while the carrier is down
# End-to-end rate = messages the carrier acknowledged / (last - first submit), from the
# simulator's /stats. Each phase also prints the host's steal of the VM's CPU over it
# (/proc/stat). Prints a summary and writes $out/results.json.
#   bench/compare-kannel.sh [--duration 10] [--out DIR] [--skip-kannel] [--queued 1000000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$root/../shared/peers" 2>/dev/null && pwd || true)
bin="$root/build/bin"
duration=10
queued=1000000
skip_kannel=0
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --queued) queued="$2"; shift 2 ;;
    --skip-kannel) skip_kannel=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "compare-kannel: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -z "$out" ]] && out=$(mktemp -d "${TMPDIR:-/tmp}/diskret-bench.XXXXXX")
mkdir -p "$out"
# Both stores start empty: an --out reused from an earlier run holds its 1,000,000 queued
# messages, which a new diskret would deliver during the single-message run.
rm -rf "$out/diskret" "$out/kannel"
export PATH="$PATH:/usr/sbin"

sim_port=${BENCH_SIM_PORT:-22775}; sim_ctl=${BENCH_SIM_CONTROL:-22780}
http_port=${BENCH_HTTP_PORT:-28080}
k_admin=${BENCH_KANNEL_ADMIN:-23000}; k_smsbox=${BENCH_KANNEL_SMSBOX:-23001}; k_send=${BENCH_KANNEL_SENDSMS:-23013}

source "$root/bench/lib.sh"
kdir=""
cleanup() {
  [[ -n "$kdir" ]] && "$peers/kannel/run-kannel" stop --dir "$kdir" >/dev/null 2>&1 || true
  stop_pids
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_sim() {  # start_sim [extra flags]
  "$bin/diskret-smsc" --listen "127.0.0.1:$sim_port" --control "127.0.0.1:$sim_ctl" \
    --system-id diskret --password secret --dlr-delay-ms 100 --dlr-fail-ratio 0 \
    --log "$out/smsc-$1.jsonl" 2> "$out/smsc-$1.err" &
  pids+=($!)
  wait_port "$sim_ctl"; wait_port "$sim_port"
}

run_wrk() {  # run_wrk <name> <url> <script> [env...]
  local name=$1 url=$2 script=$3; shift 3
  env "$@" wrk -t1 -c64 -d"${duration}s" -s "$script" "$url" > "$out/wrk-$name.txt" 2>&1
  sed -n 's/^Requests\/sec: *//p' "$out/wrk-$name.txt"
}

echo "compare-kannel: results in $out" >&2

# --- 1. Kannel ----------------------------------------------------------------------
kannel_rate=0 kannel_steal=0
if [[ $skip_kannel -eq 0 ]]; then
  start_sim kannel
  kout=$("$peers/kannel/run-kannel" start --dir "$out/kannel" --store file --smsc-port "$sim_port" \
    --smsc-user diskret --smsc-password secret --admin-port "$k_admin" --smsbox-port "$k_smsbox" \
    --sendsms-port "$k_send" --max-pending 100 --log-level 1)
  kdir=${kout#KANNEL_RUNDIR=}
  wait_port "$k_send"; sleep 1
  curl -s -X POST "http://127.0.0.1:$sim_ctl/reset" >/dev/null
  t0=$(cpu_ticks)
  k_http=$(run_wrk kannel "http://127.0.0.1:$k_send" "$peers/wrk/sendsms.lua")
  read -r kannel_rate kannel_n < <(settle_rate)
  kannel_steal=$(steal_pct "$t0")
  echo "kannel: http ${k_http} req/s, e2e ${kannel_rate} msg/s (${kannel_n} messages), steal ${kannel_steal} %"
  "$peers/kannel/run-kannel" stop --dir "$kdir" >/dev/null 2>&1 || true; kdir=""
  cleanup
fi

# --- 2-4. diskret -------------------------------------------------------------------
data="$out/diskret"; mkdir -p "$data"
diskret_toml "$data" "$http_port" "$sim_port" > "$out/diskret.toml"
cfg="$out/diskret.toml"
"$bin/diskret" migrate --config "$cfg" >/dev/null
tenant=$("$bin/diskret" tenant create --config "$cfg" --name Bench --region DE --json)
key=$(json_field "$tenant" api_key)

start_sim diskret
"$bin/diskret" serve --config "$cfg" 2> "$out/diskret.log" &
dpid=$!; pids+=($dpid)
wait_port "$http_port"; sleep 1

curl -s -X POST "http://127.0.0.1:$sim_ctl/reset" >/dev/null
t0=$(cpu_ticks)
d_http=$(run_wrk single "http://127.0.0.1:$http_port" "$peers/wrk/json-post.lua" WRK_API_KEY="$key" WRK_BATCH=1)
read -r single_rate single_n < <(settle_rate)
single_steal=$(steal_pct "$t0")
echo "diskret single: http ${d_http} req/s, e2e ${single_rate} msg/s (${single_n} messages), steal ${single_steal} %"

curl -s -X POST "http://127.0.0.1:$sim_ctl/reset" >/dev/null
t0=$(cpu_ticks)
d_batch_http=$(env WRK_API_KEY="$key" WRK_BATCH=1000 WRK_DEST_BASE=4916000000000 \
  wrk -t1 -c8 -d"${duration}s" -s "$peers/wrk/json-post.lua" "http://127.0.0.1:$http_port" > "$out/wrk-batch.txt" 2>&1;
  sed -n 's/^Requests\/sec: *//p' "$out/wrk-batch.txt")
read -r batch_rate batch_n < <(settle_rate)
batch_steal=$(steal_pct "$t0")
echo "diskret batch 1000: http ${d_batch_http} req/s, e2e ${batch_rate} msg/s (${batch_n} messages), steal ${batch_steal} %"

# Open loop: a request is due every 200 us whether or not earlier ones were answered, and
# its latency counts from when it was due (wrk's closed loop never offers 5,000/s once an
# answer takes longer than its think time, and hides stalls).
t0=$(cpu_ticks)
latency=$("$root/build/bench/paced_post" --port "$http_port" --key "$key" --rate 5000 \
  --duration "$duration" --connections 256 2> "$out/paced.err" | grep '^{' || echo '{}')
latency_steal=$(steal_pct "$t0")
echo "diskret latency at 5000 req/s: $latency, steal ${latency_steal} %"
cleanup

# --- 5. RSS with the carrier down ----------------------------------------------------
rss_kib=0
if [[ "$queued" -gt 0 ]]; then
  rm -rf "$data"; mkdir -p "$data"
  "$bin/diskret" migrate --config "$cfg" >/dev/null
  tenant=$("$bin/diskret" tenant create --config "$cfg" --name Queue --region DE --json)
  key=$(json_field "$tenant" api_key)
  "$bin/diskret" serve --config "$cfg" 2> "$out/diskret-queue.log" &
  dpid=$!; pids+=($dpid)
  wait_port "$http_port"
  node "$peers/http-blast.js" --url-template "http://127.0.0.1:$http_port/v1/messages" \
    --body-template '{"to":{dests},"text":"queued {i}","from":"Bench"}' \
    --header "Authorization: Bearer $key" --batch 1000 --count $((queued / 1000)) \
    --concurrency 4 --dest-base 4915200000000 > "$out/queue-blast.json" 2>&1 || true
  rss_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$dpid/status")
  echo "diskret peak RSS with ${queued} queued (carrier down): $((rss_kib / 1024)) MiB"
  cleanup
fi

ratio() { [[ "$2" -gt 0 ]] && awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}' || echo "n/a"; }
cat > "$out/results.json" <<JSON
{"kannel_e2e_msgs_per_s": $kannel_rate, "diskret_single_e2e_msgs_per_s": $single_rate,
 "diskret_batch_e2e_msgs_per_s": $batch_rate, "single_ratio": "$(ratio "$single_rate" "$kannel_rate")",
 "batch_ratio": "$(ratio "$batch_rate" "$kannel_rate")", "latency_at_5000": $latency,
 "peak_rss_kib_queued": $rss_kib, "queued": $queued, "duration_s": $duration,
 "host_steal_pct": {"kannel": $kannel_steal, "single": $single_steal, "batch": $batch_steal,
                    "latency": $latency_steal}}
JSON
echo
echo "== diskret vs Kannel (same machine, same run) =="
echo "Kannel file store, single:   ${kannel_rate} msg/s"
echo "diskret single messages:     ${single_rate} msg/s   ratio $(ratio "$single_rate" "$kannel_rate")x"
echo "diskret batches of 1,000:    ${batch_rate} msg/s   ratio $(ratio "$batch_rate" "$kannel_rate")x"
echo "diskret accept latency @5k:  $latency"
echo "diskret peak RSS, ${queued} queued: $((rss_kib / 1024)) MiB"
echo "host steal (Kannel / single / batches / latency): ${kannel_steal} / ${single_steal} / ${batch_steal} / ${latency_steal} %"

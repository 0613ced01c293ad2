#!/usr/bin/env bash
# The SMPP server path on this machine: customer ESME -> diskret's SMPP server -> durable
# pipeline -> diskret-smsc. The ESME is the peers' smpp-blast (node smpp, a third-party
# implementation); every submit_sm_resp is sent only after the message is fsync'd.
# Prints the accept rate the ESME saw and the end-to-end rate the carrier saw (messages
# the simulator acknowledged / (last - first submit)), and writes $out/results.json.
#   bench/smpp-path.sh [--count 100000] [--sessions 2] [--window 250] [--out DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$root/../shared/peers" 2>/dev/null && pwd || true)
bin="$root/build/bin"
count=100000; sessions=2; window=250; out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "smpp-path: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x "$peers/smpp-blast" ]] || { echo "smpp-path: ../shared/peers/smpp-blast not found" >&2; exit 1; }
[[ -z "$out" ]] && out=$(mktemp -d "${TMPDIR:-/tmp}/diskret-smpp-bench.XXXXXX")
mkdir -p "$out"

sim_port=${BENCH_SIM_PORT:-22785}; sim_ctl=${BENCH_SIM_CONTROL:-22790}
http_port=${BENCH_HTTP_PORT:-28090}; smpp_port=${BENCH_SMPP_PORT:-22776}

source "$root/bench/lib.sh"
trap stop_pids EXIT
trap 'exit 130' INT TERM

"$bin/diskret-smsc" --listen "127.0.0.1:$sim_port" --control "127.0.0.1:$sim_ctl" \
  --system-id diskret --password secret --dlr-delay-ms 100 --dlr-fail-ratio 0 \
  --log "$out/smsc.jsonl" 2> "$out/smsc.err" &
pids+=($!)
wait_port "$sim_ctl"; wait_port "$sim_port"

data="$out/diskret"; mkdir -p "$data"
cat > "$out/diskret.toml" <<TOML
[server]
data_dir = "$data"
http_listen = "127.0.0.1:$http_port"
smtp_listen = "127.0.0.1:0"
smpp_listen = "127.0.0.1:$smpp_port"

[billing]
enabled = false

[[smsc]]
name = "sim"
host = "127.0.0.1"
port = $sim_port
system_id = "diskret"
password = "secret"
binds = 2
window = 256
TOML
cfg="$out/diskret.toml"
"$bin/diskret" migrate --config "$cfg" >/dev/null
tenant=$("$bin/diskret" tenant create --config "$cfg" --name SmppBench --region DE --json)
key=$(json_field "$tenant" api_key)
"$bin/diskret" serve --config "$cfg" 2> "$out/diskret.log" &
dpid=$!; pids+=($dpid)
wait_port "$http_port"; wait_port "$smpp_port"

cred=$(curl -s -X POST "http://127.0.0.1:$http_port/v1/smpp-credentials" \
  -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"window":1000,"tps":10000}')
system_id=$(json_field "$cred" system_id); password=$(json_field "$cred" password)
[[ -n "$system_id" && -n "$password" ]] || { echo "smpp-path: no credential: $cred" >&2; exit 1; }

cpu_before=$(awk '{print $14+$15}' "/proc/$dpid/stat")
blast=$("$peers/smpp-blast" --port "$smpp_port" --system-id "$system_id" --password "$password" \
  --bind trx --count "$count" --window "$window" --sessions "$sessions" --src Bench \
  --dest-base 4915100000000 2> "$out/blast.err" | tail -1)
echo "smpp-blast: $blast"

read -r e2e n < <(settle_rate)
cpu_ticks=$(( $(awk '{print $14+$15}' "/proc/$dpid/stat") - cpu_before ))
rss_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$dpid/status")
accept=$(sed -n 's/.*"msgs_per_s": *\([0-9.]*\).*/\1/p' <<<"$blast")
cpu_us=$(awk -v t="$cpu_ticks" -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN{ if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print 0 }')

cat > "$out/results.json" <<JSON
{"messages": $count, "carrier_received": $n, "accept_msgs_per_s": ${accept:-0},
 "e2e_msgs_per_s": $e2e, "diskret_cpu_us_per_msg": $cpu_us, "diskret_peak_rss_kib": ${rss_kib:-0},
 "sessions": $sessions, "window": $window}
JSON
echo
echo "== SMPP server path (smpp-blast -> diskret -> diskret-smsc), results in $out =="
echo "accepted by diskret (submit_sm_resp after fsync): ${accept:-0} msg/s"
echo "received by the carrier:                          ${e2e} msg/s (${n} of ${count})"
echo "diskret CPU per message: ${cpu_us} us; peak RSS $((${rss_kib:-0} / 1024)) MiB"

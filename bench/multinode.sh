#!/usr/bin/env bash
# Throughput of several `diskret serve` nodes on one PostgreSQL (issue 10) next to the
# SQLite single node, on this machine, same workload for each row:
#   N messages (default 30,000) in batches of 1,000 recipients, POSTed with
#   bench/../shared/peers/http-blast.js spread evenly over the nodes (6 connections in all),
#   to one diskret-smsc (no TPS cap, receipts after 100 ms).
# accept = messages answered 202 per second (first request to last 202);
# e2e = messages the carrier received per second (first request to the N-th submit_sm).
# PostgreSQL runs with durable settings (fsync, synchronous_commit and full_page_writes on,
# PostgreSQL's defaults), like SQLite, which syncs every group commit.
#   bench/multinode.sh [--messages 30000] [--nodes "1 2 3"] [--out DIR] [--skip-sqlite]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$(cd "$root/../shared/peers" 2>/dev/null && pwd || true)
bin="$root/build/bin"
pgbin=${DISKRET_PG_BIN:-/usr/lib/postgresql/15/bin}
messages=30000
node_counts="1 2 3"
skip_sqlite=0
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --nodes) node_counts="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --skip-sqlite) skip_sqlite=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "multinode: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -z "$out" ]] && out=$(mktemp -d "${TMPDIR:-/tmp}/diskret-multinode.XXXXXX")
mkdir -p "$out"
for f in "$bin/diskret" "$bin/diskret-smsc" "$pgbin/pg_ctl" "$peers/http-blast.js"; do
  [[ -e "$f" ]] || { echo "multinode: $f is missing (make build; apt-get install postgresql)" >&2; exit 1; }
done
batches=$((messages / 1000))
messages=$((batches * 1000))

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 400); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
now_ms() { date +%s%3N; }
stat_field() { curl -s "http://127.0.0.1:$sim_ctl/stats" | grep -o "\"$1\": *[0-9]*" | head -1 | grep -o "[0-9]*$"; }
json_field() { sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1"; }

# PostgreSQL: a throw-away server (durable: PostgreSQL's defaults), run as postgres when
# this runs as root.
pgdir="$out/pg"; pg_port=$(free_port); pg_user=""
as_pg() { if [[ -n "$pg_user" ]]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
stop_pg() { [[ -d "$pgdir/data" ]] && as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true; }
# The logs stay in $out; the databases go.
trap 'cleanup; stop_pg; rm -rf "$pgdir/data" "$out"/*-var[0-9]*' EXIT
trap 'exit 130' INT TERM
mkdir -p "$pgdir"
if [[ $(id -u) -eq 0 ]]; then pg_user=postgres; id postgres >/dev/null 2>&1 || pg_user=nobody; chown "$pg_user" "$pgdir"; fi
as_pg "$pgbin/initdb" -D "$pgdir/data" -U diskret -A trust -E UTF8 --locale=C >"$pgdir/initdb.log" 2>&1
as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$pgdir -c max_connections=100" \
  start >/dev/null
psql_cmd() { "$pgbin/psql" -q -h 127.0.0.1 -p "$pg_port" -U diskret -d postgres -c "$1" >/dev/null 2>&1; }

sim_port=$(free_port); sim_ctl=$(free_port)
start_sim() {
  "$bin/diskret-smsc" --listen "127.0.0.1:$sim_port" --control "127.0.0.1:$sim_ctl" \
    --system-id diskret --password secret --dlr-delay-ms 100 > "$out/smsc-$1.out" 2> "$out/smsc-$1.err" &
  pids+=($!)
  wait_port "$sim_ctl"; wait_port "$sim_port"
}

write_config() {  # write_config <file> <data dir> <store url> <http port>
  cat > "$1" <<TOML
[server]
data_dir = "$2"
http_listen = "127.0.0.1:$4"
smtp_listen = "127.0.0.1:0"
smpp_listen = "127.0.0.1:0"
[store]
url = "$3"
[keys]
master_key_file = "$out/master.key"
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
}

# run_case <name> <nodes> <store url>: prints "accept e2e" (messages per second). Runs in
# this shell (not a subshell), so that the EXIT trap stops what it started.
run_case() {
  local name=$1 n=$2 url=$3 k ports=() cfgs=()
  rm -f "$out/master.key"
  start_sim "$name"
  for ((k = 0; k < n; k++)); do
    ports+=("$(free_port)"); cfgs+=("$out/$name-node$k.toml")
    write_config "${cfgs[$k]}" "$out/$name-var$k" "$url" "${ports[$k]}"
  done
  "$bin/diskret" migrate --config "${cfgs[0]}" >/dev/null
  local tenant key
  tenant=$("$bin/diskret" tenant create --config "${cfgs[0]}" --name Bench --region DE --json)
  key=$(json_field "$tenant" api_key)
  for ((k = 0; k < n; k++)); do
    "$bin/diskret" serve --config "${cfgs[$k]}" 2> "$out/$name-node$k.log" &
    pids+=($!)
  done
  for ((k = 0; k < n; k++)); do
    wait_port "${ports[$k]}" || { echo "multinode: node $k did not start: $(tail -3 "$out/$name-node$k.log")" >&2; exit 1; }
  done
  # Every node splits nothing here (no TPS cap), but wait until each has seen the others.
  if [[ $n -gt 1 ]]; then
    for _ in $(seq 1 150); do
      local seen=0
      for ((k = 0; k < n; k++)); do grep -q "$n live node(s)" "$out/$name-node$k.log" && seen=$((seen + 1)); done
      [[ $seen -eq $n ]] && break; sleep 0.2
    done
  fi
  sleep 1
  curl -s -X POST "http://127.0.0.1:$sim_ctl/reset" >/dev/null
  local start blasts=() per=$((batches / n)) extra=$((batches % n)) count
  start=$(now_ms)
  for ((k = 0; k < n; k++)); do
    count=$((per + (k < extra ? 1 : 0)))
    node "$peers/http-blast.js" --url-template "http://127.0.0.1:${ports[$k]}/v1/messages" \
      --body-template '{"to":{dests},"text":"bench {i}","from":"Bench"}' \
      --header "Authorization: Bearer $key" --batch 1000 --count "$count" --concurrency $((6 / n)) \
      --dest-base $((4915100000000 + k * 10000000)) > "$out/$name-blast$k.json" 2>&1 &
    blasts+=($!)
  done
  for p in "${blasts[@]}"; do wait "$p"; done
  local accepted_at=$(now_ms) submits=0 done_at deadline=$(( $(now_ms) + 300000 ))
  while :; do
    submits=$(stat_field submits); submits=${submits:-0}
    [[ $submits -ge $messages || $(now_ms) -gt $deadline ]] && break
    sleep 0.1
  done
  done_at=$(stat_field last_submit_ms)
  [[ -z "$done_at" || "$done_at" -lt "$start" ]] && done_at=$(now_ms)
  [[ $submits -ge $messages ]] || echo "multinode: $name: the carrier got only $submits of $messages" >&2
  cleanup
  echo "$(( messages * 1000 / (accepted_at - start) )) $(( submits * 1000 / (done_at - start) ))"
}

echo "multinode: $messages messages per row, results in $out" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
if [[ $skip_sqlite -eq 0 ]]; then
  run_case sqlite 1 "sqlite:$out/sqlite-var0/diskret.db" > "$out/sqlite.result"
  read -r acc e2e < "$out/sqlite.result"
  rows+=("SQLite|1|$acc|$e2e")
fi
for n in $node_counts; do
  psql_cmd "DROP DATABASE IF EXISTS diskret"; psql_cmd "DROP DATABASE IF EXISTS diskret_keys"
  psql_cmd "CREATE DATABASE diskret TEMPLATE template0"; psql_cmd "CREATE DATABASE diskret_keys TEMPLATE template0"
  run_case "pg$n" "$n" "postgresql://diskret@127.0.0.1:$pg_port/diskret" > "$out/pg$n.result"
  read -r acc e2e < "$out/pg$n.result"
  rows+=("PostgreSQL 15 (durable)|$n|$acc|$e2e")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "== diskret nodes, $messages messages in batches of 1,000, $(nproc) cores =="
printf '%-26s %5s %14s %12s\n' store nodes "accept msg/s" "e2e msg/s"
for r in "${rows[@]}"; do
  IFS='|' read -r s n a e <<<"$r"
  printf '%-26s %5s %14s %12s\n' "$s" "$n" "$a" "$e"
done
echo "load average before: $load_before, after: $load_after"

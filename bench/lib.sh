# Helpers shared by the benchmark scripts (sourced). The caller sets $sim_ctl, the port of
# diskret-smsc's control API.

# The processes a script started (it appends $!); stop_pids ends them and waits for them.
pids=()
stop_pids() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# The first "field": number of the simulator's /stats (per-session counts come later).
stat_field() { curl -s "http://127.0.0.1:$sim_ctl/stats" | grep -o "\"$1\": *[0-9]*" | head -1 | grep -o "[0-9]*$"; }
json_field() { sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1"; }

# The host's share of this VM's CPU time (steal, /proc/stat) since a cpu_ticks snapshot:
# on this 2-core VM it swings from 0 to 30 % and moves diskret's fsync-bound single
# requests more than Kannel's, so every run prints it beside its rates.
cpu_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9}' /proc/stat; }
steal_pct() {  # steal_pct "<ticks from cpu_ticks>"
  local t0 s0 t1 s1
  read -r t0 s0 <<<"$1"
  read -r t1 s1 < <(cpu_ticks)
  awk -v t=$((t1 - t0)) -v s=$((s1 - s0)) 'BEGIN { printf("%.1f", (t > 0) ? 100 * s / t : 0) }'
}

# Waits until the carrier's submit count stops growing, then prints "<e2e msg/s> <count>".
settle_rate() {
  local last=-1 n same=0
  while :; do
    n=$(stat_field submits); n=${n:-0}
    if [[ "$n" == "$last" ]]; then same=$((same + 1)); else same=0; fi
    [[ $same -ge 6 ]] && break
    last=$n; sleep 0.5
  done
  local first lastms
  first=$(stat_field first_submit_ms); lastms=$(stat_field last_submit_ms)
  if [[ -z "$first" || "$n" -eq 0 || "$lastms" -le "$first" ]]; then echo "0 $n"; return; fi
  echo "$(( n * 1000 / (lastms - first) )) $n"
}

# diskret_toml <data_dir> <http_port> <sim_port>: the benchmarks' diskret configuration
# (embedded database, billing off, diskret-smsc as the only carrier).
diskret_toml() {
  cat <<TOML
[server]
data_dir = "$1"
http_listen = "127.0.0.1:$2"
smtp_listen = "127.0.0.1:0"
smpp_listen = "127.0.0.1:0"

[billing]
enabled = false

[[smsc]]
name = "sim"
host = "127.0.0.1"
port = $3
system_id = "diskret"
password = "secret"
binds = 2
window = 256
TOML
}

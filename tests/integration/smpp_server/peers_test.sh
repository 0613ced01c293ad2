#!/usr/bin/env bash
# Third-party SMPP clients against `diskret serve`: the npm smpp client (smpp-blast) and
# Kannel bind to diskret's SMPP server with credentials made through /v1/smpp-credentials,
# send through it to a carrier (the npm SMSC simulator) and must get every receipt back.
#   peers_test.sh <path to diskret> <peers dir>
set -euo pipefail
diskret="$1"
peers="$2"
for tool in "$peers/smsc-sim" "$peers/smpp-blast" "$peers/kannel/run-kannel" curl python3; do
  command -v "$tool" >/dev/null || { echo "peers_test: $tool is missing" >&2; exit 1; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
  [[ -f "$work/kannel/bearerbox.pid" ]] && "$peers/kannel/run-kannel" stop --dir "$work/kannel" >/dev/null 2>&1 || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys;print(json.load(open('$1'))['$2'])"; }
sim_port=$(free_port); http_port=$(free_port); smpp_port=$(free_port); smpps_port=$(free_port)
admin_port=$(free_port); smsbox_port=$(free_port); sendsms_port=$(free_port)

"$peers/smsc-sim" --port "$sim_port" --control-port 0 --system-id diskret --password secret \
  --dlr-delay-ms 100 --stats-interval 0 >"$work/sim.log" 2>&1 &
pids+=($!)

mkdir -p "$work/var"
# A certificate for SMPP over TLS (smpps_listen), valid for 127.0.0.1 and localhost.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1
cat >"$work/diskret.toml" <<TOML
[server]
data_dir = "$work/var"
http_listen = "127.0.0.1:$http_port"
smtp_listen = "127.0.0.1:0"
smpp_listen = "127.0.0.1:$smpp_port"
smpps_listen = "127.0.0.1:$smpps_port"
[store]
url = "sqlite:$work/var/diskret.db"
[keys]
master_key_file = "$work/var/master.key"
[tls]
cert_file = "$work/cert.pem"
key_file = "$work/key.pem"
[[smsc]]
name = "sim"
host = "127.0.0.1"
port = $sim_port
system_id = "diskret"
password = "secret"
TOML
"$diskret" tenant create --name Peers --json --config "$work/diskret.toml" >"$work/tenant.json"
key=$(json "$work/tenant.json" api_key)
# Billing is on by default: SMPP submits are paid from the tenant's prepaid credit.
"$diskret" credits grant --tenant "$(json "$work/tenant.json" tenant_id)" --amount-cents 10000000 \
  --reason "interop test" --config "$work/diskret.toml" >/dev/null
"$diskret" serve --config "$work/diskret.toml" >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null && break
  sleep 0.1
done

curl -sf -X POST -H "Authorization: Bearer $key" -d '{"tps": 5000, "window": 500}' \
  "http://127.0.0.1:$http_port/v1/smpp-credentials" >"$work/cred.json"
sid=$(json "$work/cred.json" system_id)
pw=$(json "$work/cred.json" password)

# 1. npm smpp client: 2,000 submits on a transceiver, every receipt back.
timeout 120 "$peers/smpp-blast" --port "$smpp_port" --system-id "$sid" --password "$pw" \
  --count 2000 --window 100 --bind trx --registered-delivery 1 --wait-dlr-s 30 \
  --dest-base 4915112000000 --src Shop >"$work/blast.out" 2>&1
result=$(tail -1 "$work/blast.out")
echo "smpp-blast: $result"
python3 - "$result" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["ok"] == 2000 and r["errors"] == 0, r
assert r["dlrs_received"] == 2000, r
PY

# A wrong password is refused.
if timeout 20 "$peers/smpp-blast" --port "$smpp_port" --system-id "$sid" --password wrong \
     --count 1 --max-reconnects 0 --timeout-s 5 >"$work/badbind.out" 2>&1; then :; fi
grep -q "bind failed status=0xd" "$work/badbind.out" || { cat "$work/badbind.out"; exit 1; }

# 1b. The npm smpp client over TLS (ssmpp://, certificate verified): receipts come back.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${PEERS_CACHE:-${HOME:-/tmp}/.cache/sms-peers}"
tls_result=$(NODE_PATH="$cache/node_modules" timeout 60 node "$here/npm_tls_client.js" \
  "$smpps_port" "$work/cert.pem" "$sid" "$pw" 20) || { echo "npm TLS client: $tls_result" >&2; exit 1; }
echo "npm smpp client over TLS: $tls_result"
python3 - "$tls_result" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
assert r["tls"] is True and r["protocol"] in ("TLSv1.2", "TLSv1.3"), r
assert r["ok"] == 20 and r["errors"] == 0 and r["dlrs"] == 20, r
PY

# 2. Kannel as the customer: sendsms through diskret, the final DLR comes back.
"$peers/kannel/run-kannel" start --dir "$work/kannel" --smsc-port "$smpp_port" \
  --smsc-user "$sid" --smsc-password "$pw" --admin-port "$admin_port" \
  --smsbox-port "$smsbox_port" --sendsms-port "$sendsms_port" >/dev/null
url=$(python3 -c "import urllib.parse;print('http://127.0.0.1:$sendsms_port/cgi-bin/sendsms?'+urllib.parse.urlencode({'username':'bench','password':'bench','from':'Shop','to':'+4915112345670','text':'Hallo von Kannel','dlr-mask':'31','dlr-url':'http://127.0.0.1:9/dlr'}))")
curl -sf "$url" | grep -q "Accepted" || { echo "Kannel refused the sendsms" >&2; exit 1; }
for _ in $(seq 100); do
  grep -q "Receive DLR.*flags:-1:-1:-1:-1:1\]" "$work/kannel/bearerbox-access.log" && break
  sleep 0.1
done
grep "Receive DLR.*flags:-1:-1:-1:-1:1\]" "$work/kannel/bearerbox-access.log" | grep -q "stat:DELIVRD" ||
  { cat "$work/kannel/bearerbox-access.log"; exit 1; }
echo "kannel: message sent through diskret, DELIVRD receipt received"

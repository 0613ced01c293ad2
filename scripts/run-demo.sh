#!/usr/bin/env bash
# `make run`: starts diskret-smsc (the carrier) and `diskret serve` on the embedded
# database under ./var, creates a demo tenant once, and prints how to send a message.
# Ctrl-C stops both cleanly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="$root/build/bin"
data_dir="${DISKRET_SERVER_DATA_DIR:-var}"
http_listen="${DISKRET_SERVER_HTTP_LISTEN:-127.0.0.1:8080}"
smsc_listen="127.0.0.1:2775"
smsc_control="127.0.0.1:2780"
mkdir -p "$data_dir"

port_busy() { (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null; }
for addr in "$http_listen" "$smsc_listen" "$smsc_control"; do
  if port_busy "$addr"; then
    echo "make run: $addr is already in use (is another diskret running?)" >&2
    exit 1
  fi
done

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "make run: stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "make run: stopped."
}
trap stop_all INT TERM EXIT

"$bin/diskret-smsc" --listen "$smsc_listen" --control "$smsc_control" \
  --system-id diskret --password secret --dlr-delay-ms 500 --dlr-fail-ratio 0 \
  --log "$data_dir/smsc.jsonl" 2> "$data_dir/smsc.log" &
pids+=($!)

"$bin/diskret" migrate >/dev/null
demo="$data_dir/demo-tenant.json"
if [ ! -s "$demo" ]; then
  "$bin/diskret" tenant create --name "Demo GmbH" --region DE --json > "$demo.tmp"
  mv "$demo.tmp" "$demo"
  chmod 600 "$demo"
fi
api_key=$(sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p' "$demo")
tenant_id=$(sed -n 's/.*"tenant_id": *"\([^"]*\)".*/\1/p' "$demo")
# A portal login for the demo tenant, once (the password is shown only at creation).
portal_user="$data_dir/demo-portal.json"
if [ ! -s "$portal_user" ]; then
  "$bin/diskret" user add --tenant "$tenant_id" --email demo@diskret.example --role owner --json \
    > "$portal_user.tmp"
  mv "$portal_user.tmp" "$portal_user"
  chmod 600 "$portal_user"
fi
portal_password=$(sed -n 's/.*"password": *"\([^"]*\)".*/\1/p' "$portal_user")
# Prepaid credit for the demo tenant, once ([billing] enabled is the default).
if [ ! -e "$data_dir/demo-credit.granted" ]; then
  "$bin/diskret" credits grant --tenant "$tenant_id" --amount-cents 10000 --reason "demo credit" >/dev/null
  touch "$data_dir/demo-credit.granted"
fi

"$bin/diskret" serve 2> >(tee -a "$data_dir/diskret.log" >&2) &
pids+=($!)

for _ in $(seq 1 100); do port_busy "$http_listen" && break; sleep 0.1; done
port_busy "$http_listen" || { echo "make run: diskret did not start; see $data_dir/diskret.log" >&2; exit 1; }

cat <<INFO

  diskret is running.
    Portal / API:  http://$http_listen/
    Portal login:  account $tenant_id, email demo@diskret.example, password $portal_password
    Demo tenant:   $tenant_id   (credentials in $demo and $portal_user)
    API key:       $api_key
    Carrier:       diskret-smsc on $smsc_listen (control http://$smsc_control/stats)

  Send a message:
    curl -s -X POST http://$http_listen/v1/messages \\
      -H 'Authorization: Bearer $api_key' -H 'Content-Type: application/json' \\
      -d '{"to": "0151 23456789", "text": "Hallo von diskret", "from": "Diskret"}'

  Then look at it (use the id from the answer):
    curl -s http://$http_listen/v1/messages/<id> -H 'Authorization: Bearer $api_key'

  Ctrl-C stops everything.
INFO
wait -n "${pids[@]}"

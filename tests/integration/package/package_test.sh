#!/usr/bin/env bash
# Issue 13: build the Debian packages, install them with dpkg on this machine, run the
# installed binaries with the installed configuration as the packages' users, check the
# file modes and let systemd-analyze verify the units; purge everything at the end.
#   package_test.sh <build dir>
# Needs root (dpkg); skipped (77) without it or when diskret is installed for real here.
set -euo pipefail
build=$1
skip() { echo "SKIP: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "needs root for dpkg -i"
command -v dpkg >/dev/null || skip "no dpkg"
for p in diskret diskret-vault diskret-smsc; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    skip "package $p is installed on this machine; not touching it"
  fi
done
[[ -e /etc/diskret || -e /var/lib/diskret || -e /var/lib/diskret-vault ]] &&
  skip "/etc/diskret or /var/lib/diskret* exist: not touching them"

work=$(mktemp -d /tmp/diskret-package.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  dpkg --purge diskret diskret-vault diskret-smsc >/dev/null 2>&1 || true
  rm -rf /etc/diskret /var/lib/diskret /var/lib/diskret-vault "$work"
  userdel diskret 2>/dev/null || true
  userdel diskret-vault 2>/dev/null || true
  groupdel diskret 2>/dev/null || true
  groupdel diskret-vault 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_mode() {  # expect_mode <path> <mode> <user> <group>
  local got
  got=$(stat -c '%a %U %G' "$1") || fail "$1 missing"
  [[ "$got" == "$2 $3 $4" ]] || fail "$1 is '$got', expected '$2 $3 $4'"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
              shuf -i 20000-60000 -n 1; }

echo "== cpack"
(cd "$build" && cpack -G DEB -B "$work/packages" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
debs=("$work"/packages/*.deb)
[[ ${#debs[@]} -eq 3 ]] || fail "expected 3 packages, got: ${debs[*]}"
for d in "${debs[@]}"; do
  [[ -n "$(dpkg-deb -f "$d" Depends)" ]] || fail "$d declares no dependencies"
done
dpkg-deb -c "$work"/packages/diskret_*.deb > "$work/contents.txt"
grep -q './usr/share/diskret/portal/index.html' "$work/contents.txt" || fail "the portal is not in the diskret package"

echo "== dpkg -i"
dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
for u in diskret diskret-vault; do id "$u" >/dev/null || fail "no system user $u"; done
[[ $(getent passwd diskret | cut -d: -f7) == */nologin || $(getent passwd diskret | cut -d: -f7) == /bin/false ]] ||
  fail "the diskret user has a login shell"
expect_mode /usr/bin/diskret 755 root root
expect_mode /var/lib/diskret 700 diskret diskret
expect_mode /var/lib/diskret-vault 700 diskret-vault diskret-vault
expect_mode /etc/diskret/diskret.toml 640 root diskret
expect_mode /etc/diskret/vault.toml 640 root diskret-vault
expect_mode /var/lib/diskret/vault.secret 600 diskret diskret
expect_mode /var/lib/diskret-vault/vault.secret 600 diskret-vault diskret-vault
cmp -s /var/lib/diskret/vault.secret /var/lib/diskret-vault/vault.secret || fail "the two vault secrets differ"
grep -qx '[0-9a-f]\{64\}' /var/lib/diskret/vault.secret || fail "vault.secret is not 32 bytes of hex"
grep -qx /etc/diskret/diskret.toml /var/lib/dpkg/info/diskret.conffiles || fail "diskret.toml is no conffile"

echo "== systemd-analyze verify"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/diskret.service /lib/systemd/system/diskret-vault.service \
    >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify"; }
  for key in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes 'CapabilityBoundingSet=$' \
             'ReadWritePaths=/var/lib/diskret$' 'User=diskret$'; do
    grep -q "^$key" /lib/systemd/system/diskret.service || fail "diskret.service lacks $key"
  done
fi

echo "== the installed binaries with the installed configuration"
sim_port=$(free_port); http_port=$(free_port)
export DISKRET_SMSC_0_PORT=$sim_port DISKRET_SERVER_HTTP_LISTEN=127.0.0.1:$http_port
export DISKRET_SERVER_SMTP_LISTEN=127.0.0.1:0 DISKRET_SERVER_SMPP_LISTEN=127.0.0.1:0
runuser -u diskret -- /usr/bin/diskret-smsc --listen "127.0.0.1:$sim_port" --control off \
  --system-id diskret --password secret >"$work/smsc.log" 2>&1 &
pids+=($!)
cd /  # the service user cannot read the test's working directory
runuser -u diskret -- env DISKRET_SMSC_0_PORT=$sim_port /usr/bin/diskret migrate --config /etc/diskret/diskret.toml \
  >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; fail "diskret migrate as user diskret"; }
expect_mode /var/lib/diskret/master.key 600 diskret diskret
expect_mode /var/lib/diskret/diskret.db 600 diskret diskret
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$sim_port") 2>/dev/null && break; sleep 0.1; done
runuser -u diskret -- env DISKRET_SMSC_0_PORT=$sim_port DISKRET_BILLING_ENABLED=true \
  /usr/bin/diskret doctor --config /etc/diskret/diskret.toml >"$work/doctor.log" 2>&1 ||
  { cat "$work/doctor.log"; fail "diskret doctor on the fresh installation"; }
grep -q '^ok    master key' "$work/doctor.log" || { cat "$work/doctor.log"; fail "doctor did not check the master key"; }
tenant=$(runuser -u diskret -- /usr/bin/diskret tenant create --config /etc/diskret/diskret.toml \
  --name "Package Test" --json) || fail "tenant create"
key=$(sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p' <<<"$tenant")
runuser -u diskret -- env DISKRET_SMSC_0_PORT=$sim_port DISKRET_BILLING_ENABLED=false \
  DISKRET_SERVER_HTTP_LISTEN=127.0.0.1:$http_port /usr/bin/diskret serve --config /etc/diskret/diskret.toml \
  >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null || { cat "$work/serve.log"; fail "serve never ready"; }
curl -sf "http://127.0.0.1:$http_port/" | grep -qi '<html' || fail "the installed portal is not served"
code=$(curl -s -o "$work/sent.json" -w '%{http_code}' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"to":"+4915123456789","text":"Paket","from":"Diskret"}' "http://127.0.0.1:$http_port/v1/messages")
[[ "$code" == 202 ]] || { cat "$work/sent.json" "$work/serve.log"; fail "POST /v1/messages answered $code"; }
runuser -u diskret-vault -- /usr/bin/diskret-vault --help >/dev/null || fail "diskret-vault --help"

echo "== dpkg --purge"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true; pids=()
dpkg --purge diskret diskret-vault diskret-smsc >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "purge"; }
[[ ! -e /usr/bin/diskret && ! -e /lib/systemd/system/diskret.service ]] || fail "purge left files behind"
[[ -e /var/lib/diskret/master.key ]] || fail "purge removed the data (it must stay for the operator)"
echo "package test passed"

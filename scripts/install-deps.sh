#!/usr/bin/env bash
# Installs the Debian packages diskret needs to build, test and run. Idempotent:
# a second run installs nothing and returns in well under a second.
#
# libphonenumber-dev is not installed through apt: it depends on the Boost 1.74
# metapackage, which conflicts with libboost1.81-dev. The runtime library links no
# Boost, so we install the runtime packages and unpack only the -dev package's
# headers and .so link into .deps/phonenumber (see README "Dependencies").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps_dir="$root/.deps"

packages=(
  build-essential cmake ninja-build ccache pkg-config git clang lld libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libexpected-dev libsodium-dev libssl-dev libsqlite3-dev sqlite3 libpq-dev
  libphonenumber8 libgeocoding8 libprotobuf-dev libabsl-dev libicu-dev
  libgmime-3.0-dev libpcre2-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk swaks libnet-ssleay-perl kannel curl openssl postgresql
  dpkg-dev prometheus   # make package (dpkg-shlibdeps); promtool checks docs/ops/alerts.yml
  chromium fonts-dejavu-core   # the portal's browser tests (Playwright drives Debian's chromium)
)
# Node.js may come from Debian or from the machine image (with its own npm, which
# conflicts with Debian's npm package): only install it when there is none.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# libphonenumber headers, unpacked from the -dev package without installing it.
if [ ! -f "$deps_dir/phonenumber/usr/include/phonenumbers/phonenumberutil.h" ]; then
  echo "install-deps: unpacking libphonenumber-dev headers into .deps/" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq libphonenumber-dev >/dev/null 2>&1 ||
     { "${sudo_cmd[@]}" apt-get update -qq && apt-get download -qq libphonenumber-dev; })
  mkdir -p "$deps_dir/phonenumber"
  dpkg-deb -x "$tmp"/libphonenumber-dev_*.deb "$deps_dir/phonenumber"
  rm -rf "$tmp"
fi

# The portal's npm packages (esbuild, typescript, playwright-core without a browser of its
# own), from package-lock.json; again only when the lock file is newer than the install.
if [ -f "$root/portal/package-lock.json" ] &&
   [ ! "$root/portal/node_modules/.package-lock.json" -nt "$root/portal/package-lock.json" ]; then
  echo "install-deps: npm ci in portal/" >&2
  (cd "$root/portal" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$root/portal/node_modules/.package-lock.json"
fi

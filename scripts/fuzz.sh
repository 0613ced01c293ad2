#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build-fuzz/ and runs each for
# FUZZ_SECONDS (default 10) seeded from fuzz/corpus/<target>/. New interesting inputs go to a
# scratch directory; copy the ones worth keeping into the corpus by hand.
#   scripts/fuzz.sh [target...]        FUZZ_SECONDS=600 scripts/fuzz.sh smpp_decode_fuzz
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-fuzz"
seconds="${FUZZ_SECONDS:-10}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DDISKRET_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cmake --build "$build" --target help | sed -n 's/^\([a-z0-9_]*_fuzz\):.*/\1/p')
fi
cmake --build "$build" --target "${targets[@]}" -j "$(nproc)"

status=0
for t in "${targets[@]}"; do
  corpus="$root/fuzz/corpus/$t"
  scratch=$(mktemp -d)
  mkdir -p "$corpus"
  echo "fuzz: $t for ${seconds}s"
  if ! (cd "$scratch" && "$build/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 \
        "$scratch" "$corpus" > "$scratch/log" 2>&1); then
    echo "fuzz: $t FAILED; crash input and log in $scratch" >&2
    tail -40 "$scratch/log" >&2
    status=1
    continue
  fi
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$scratch/log" | sed "s/^/fuzz: $t /"
  rm -rf "$scratch"
done
exit $status

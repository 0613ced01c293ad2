#!/usr/bin/env bash
# Does this machine pause when it is busy? A loop of 40 KiB writes + fdatasync (like the
# syncer) runs for 5 s alone, beside one CPU-bound spinner and beside two, and counts the
# syncs over 5 ms and the phase of the clock (ms mod 100) at which they happened. On the
# 2-core test VM (2026-12-01 00:00 UTC): alone 0-1, one spinner 0, two spinners 25-31, at one
# phase; at 01:13, a busier host, 1-11 / 11-48 / 52-199 over all phases. Our reading: the
# host pauses the VM when its CPUs and its disk I/O are busy together, which is the floor
# of diskret's tail latency under load there.
#   bench/vm-pauses.sh [DIR]   (DIR: where the test file goes, default $TMPDIR)
set -euo pipefail
dir=${1:-${TMPDIR:-/tmp}}
work=$(mktemp -d "${TMPDIR:-/tmp}/vm-pauses.XXXXXX")
trap 'rm -rf "$work"; rm -f "$dir/vm-pauses.$$"' EXIT
cat > "$work/probe.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static long long now_us(int clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}
int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "spin") == 0) {  /* spin SECONDS */
    long long end = now_us(CLOCK_MONOTONIC) + atoll(argv[2]) * 1000000LL;
    while (now_us(CLOCK_MONOTONIC) < end) {
    }
    return 0;
  }
  /* sync FILE SECONDS: 40 KiB appended, fdatasync, 0.5 ms pause */
  int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return perror("open"), 1;
  static char buf[40 * 1024];
  memset(buf, 7, sizeof buf);
  long long end = now_us(CLOCK_MONOTONIC) + atoll(argv[3]) * 1000000LL;
  off_t off = 0;
  int n = 0, slow = 0, phase[100] = {0};
  long long worst = 0;
  while (now_us(CLOCK_MONOTONIC) < end) {
    if (pwrite(fd, buf, sizeof buf, off) != (ssize_t)sizeof buf) return perror("pwrite"), 1;
    off = (off + (off_t)sizeof buf) % (64 << 20);
    long long t = now_us(CLOCK_REALTIME);
    if (fdatasync(fd) != 0) return perror("fdatasync"), 1;
    long long d = now_us(CLOCK_REALTIME) - t;
    ++n;
    if (d > worst) worst = d;
    if (d > 5000) ++slow, ++phase[(t / 1000) % 100];
    usleep(500);
  }
  int top = 0;
  for (int i = 1; i < 100; ++i) if (phase[i] > phase[top]) top = i;
  printf("syncs %d, over 5 ms %d (%d of them at phase %d ms), worst %.1f ms\n", n, slow,
         phase[top], top, worst / 1000.0);
  close(fd);
  unlink(argv[2]);
  return 0;
}
C
cc -O2 -o "$work/probe" "$work/probe.c"
file="$dir/vm-pauses.$$"
for spinners in 0 1 2; do
  for _ in $(seq 1 "$spinners"); do "$work/probe" spin 6 & done
  printf '%d spinner(s): ' "$spinners"
  "$work/probe" sync "$file" 5
  wait
done

# Shared by the postinst scripts of diskret and diskret-vault (pasted in at build time):
# the service secret both programs hold, each in its own data directory with mode 0600.
# The first package installed makes it; the second copies it.
diskret_share_secret() {  # diskret_share_secret <own file> <own user> <other file>
  own=$1; user=$2; other=$3
  [ -s "$own" ] && return 0
  tmp=$(mktemp)
  if [ -s "$other" ]; then
    cat "$other" > "$tmp"
  else
    printf '%s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" > "$tmp"
  fi
  install -m 0600 -o "$user" -g "$user" "$tmp" "$own"
  rm -f "$tmp"
  # The other side may already be installed without a copy (installed first, offline).
  other_dir=$(dirname "$other")
  if [ -d "$other_dir" ] && [ ! -s "$other" ]; then
    other_user=$(stat -c %U "$other_dir")
    install -m 0600 -o "$other_user" -g "$other_user" "$own" "$other"
  fi
}

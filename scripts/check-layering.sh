#!/usr/bin/env bash
# Checks the dependency direction of docs/architecture.md on #include lines:
# pure modules include no Asio/Beast, nothing but apps/diskret-vault links the vault.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

# Modules that must stay free of Asio and Beast (pure code, fast to compile).
pure_files=$(ls src/core/*.[ch]pp src/phone/*.[ch]pp src/sms/*.[ch]pp \
  src/smpp/pdu*.[ch]pp src/smpp/tlv*.[ch]pp src/smpp/command_status*.[ch]pp \
  src/smpp/delivery_receipt*.[ch]pp 2>/dev/null || true)
for f in $pure_files; do
  if grep -nE '#include\s*[<"]boost/(asio|beast)' "$f"; then
    echo "layering: $f is pure and must not include Asio/Beast" >&2
    status=1
  fi
done

# The card vault's code is linked only by apps/diskret-vault.
if grep -rnE '#include\s*"vault/' src apps --include='*.[ch]pp' | grep -vE '^(src/vault/|apps/diskret-vault/)'; then
  echo "layering: only apps/diskret-vault may include vault/" >&2
  status=1
fi
if grep -rnw 'diskret_vault' apps/diskret/CMakeLists.txt 2>/dev/null; then
  echo "layering: diskret must not link diskret_vault" >&2
  status=1
fi

# Lower layers never include upper ones.
check_no_include() {  # module, forbidden modules...
  local module=$1; shift
  [ -d "src/$module" ] || return 0
  for up in "$@"; do
    if grep -rnE "#include\s*\"$up/" "src/$module" 2>/dev/null; then
      echo "layering: src/$module must not include $up/" >&2
      status=1
    fi
  done
}
check_no_include core phone sms smpp carrier crypto store pipeline tenancy http api smtp smpp_server config
check_no_include sms smpp carrier store pipeline http api
check_no_include smpp carrier store pipeline http api
check_no_include crypto store pipeline http api
check_no_include store pipeline http api
check_no_include pipeline http api

[ $status -eq 0 ] && echo "layering: ok"
exit $status

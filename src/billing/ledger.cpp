#include "billing/ledger.hpp"

#include <fmt/format.h>

#include <ctime>

namespace diskret::billing {
namespace {

std::string csv_field(std::string_view text) {
  // Also defuses spreadsheet formulas (a reference typed by an operator).
  const bool formula = !text.empty() && std::string_view("=+-@").find(text[0]) != std::string_view::npos;
  if (!formula && text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string utc(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

const char* kind_name(EntryKind kind) noexcept {
  switch (kind) {
    case EntryKind::topup: return "topup";
    case EntryKind::grant: return "grant";
    case EntryKind::debit: return "debit";
    case EntryKind::refund: return "refund";
  }
  return "unknown";
}

std::optional<store::LedgerEntryRecord> make_entry(std::uint64_t tenant, EntryKind kind,
                                                   std::int64_t amount_cents,
                                                   std::int64_t balance, std::int64_t now_ms) {
  if (amount_cents <= 0 || balance < 0) return std::nullopt;
  store::LedgerEntryRecord e;
  e.tenant_id = tenant;
  e.kind = kind_name(kind);
  e.amount_cents = amount_cents;
  e.created_at_ms = now_ms;
  switch (kind) {
    case EntryKind::topup: e.debit_account = "card"; e.credit_account = "tenant"; break;
    case EntryKind::grant: e.debit_account = "grant"; e.credit_account = "tenant"; break;
    case EntryKind::refund: e.debit_account = "messages"; e.credit_account = "tenant"; break;
    case EntryKind::debit: e.debit_account = "tenant"; e.credit_account = "messages"; break;
  }
  if (kind == EntryKind::debit) {
    if (amount_cents > balance) return std::nullopt;
    e.balance_after = balance - amount_cents;
  } else {
    e.balance_after = balance + amount_cents;
  }
  return e;
}

std::string format_euros(std::int64_t cents) {
  const char* sign = cents < 0 ? "-" : "";
  const std::int64_t abs = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02}", sign, abs / 100, abs % 100);
}

std::string ledger_csv(const std::vector<store::LedgerEntryRecord>& entries) {
  std::string out =
      "id,created_at,kind,debit_account,credit_account,amount_cents,balance_after_cents,"
      "message_id,reference\r\n";
  for (const auto& e : entries) {
    out += fmt::format("{},{},{},{},{},{},{},{},{}\r\n", e.id, utc(e.created_at_ms), e.kind,
                       e.debit_account, e.credit_account, e.amount_cents, e.balance_after,
                       e.message_id ? fmt::format("{:016x}", *e.message_id) : std::string{},
                       csv_field(e.reference));
  }
  return out;
}

}  // namespace diskret::billing

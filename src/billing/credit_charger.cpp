#include "billing/credit_charger.hpp"

#include <algorithm>

#include "billing/ledger.hpp"
#include "phone/phone_number.hpp"

namespace diskret::billing {

std::int64_t CreditCharger::price(const std::string& e164, std::uint32_t segments) const {
  auto number = phone::PhoneNumber::parse(e164, phone::Region{"DE"});
  return prices_.price(number ? std::string_view(number->region()) : std::string_view{}, segments);
}

Expected<std::size_t> CreditCharger::charge(store::WriteTransaction& tx, pipeline::TenantId tenant,
                                            std::vector<pipeline::NewMessage>& messages,
                                            const std::vector<pipeline::MessageId>& ids,
                                            std::int64_t now_ms) {
  auto writes = store_.writes(tx);
  auto account = writes->account(tenant.value);
  if (!account) return unexpected(account.error());
  const std::int64_t before = account->balance_cents;
  std::size_t unpaid = 0;
  bool debited = false;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    pipeline::NewMessage& m = messages[i];
    if (m.rejected) continue;
    const std::int64_t cost = price(m.to, m.segments);
    if (cost == 0) continue;  // free destination
    auto entry = make_entry(tenant.value, EntryKind::debit, cost, account->balance_cents, now_ms);
    if (!entry) {
      m.rejected = pipeline::MessageError{
          kInsufficientCredit, "The prepaid balance cannot pay for this message; top up first."};
      ++unpaid;
      continue;
    }
    entry->message_id = ids[i].value;
    if (auto ok = writes->append(*entry); !ok) return unexpected(ok.error());
    account->balance_cents = entry->balance_after;
    debited = true;
  }
  if (!debited) return unpaid;
  if (!account->low_alerted && crosses_below(before, account->balance_cents, low_threshold_)) {
    account->low_alerted = true;
    crossed_.emplace_back(tenant.value, account->balance_cents);
  }
  if (auto ok = writes->put_account(tenant.value, *account, now_ms); !ok) return unexpected(ok.error());
  return unpaid;
}

Expected<void> CreditCharger::settle(store::WriteTransaction& tx,
                                     std::span<const pipeline::StatusEvent> events,
                                     std::int64_t now_ms) {
  auto writes = store_.writes(tx);
  for (const auto& e : events) {
    // Only a carrier's refusal is refunded: the message never left for the network.
    if (e.status != pipeline::MessageStatus::failed || !e.error ||
        e.error->code != "carrier_rejected") {
      continue;
    }
    auto debit = writes->debit_of(e.id.value);
    if (!debit) return unexpected(debit.error());
    if (!*debit) continue;  // sent while billing was off, or free
    auto done = writes->refunded(e.id.value);
    if (!done) return unexpected(done.error());
    if (*done) continue;
    const std::uint64_t tenant = (*debit)->tenant_id;
    auto account = writes->account(tenant);
    if (!account) return unexpected(account.error());
    auto entry = make_entry(tenant, EntryKind::refund, (*debit)->amount_cents,
                            account->balance_cents, now_ms);
    if (!entry) continue;
    entry->message_id = e.id.value;
    entry->reference = "carrier_rejected";
    if (auto ok = writes->append(*entry); !ok) return unexpected(ok.error());
    account->balance_cents = entry->balance_after;
    if (account->balance_cents >= low_threshold_) account->low_alerted = false;
    if (auto ok = writes->put_account(tenant, *account, now_ms); !ok) return unexpected(ok.error());
  }
  return {};
}

void CreditCharger::committed() {
  if (crossed_.empty()) return;
  auto crossed = std::exchange(crossed_, {});
  if (!on_low_) return;
  // A crossing noted in a savepoint or commit that was rolled back is not real: only
  // report what the committed balance confirms (a read; the writer holds no lock now).
  std::vector<std::uint64_t> told;
  for (const auto& [tenant, balance] : crossed) {
    if (std::find(told.begin(), told.end(), tenant) != told.end()) continue;
    auto now = store_.balance(tenant);
    if (!now || *now >= low_threshold_) continue;
    told.push_back(tenant);
    on_low_(tenant, *now);
  }
}

}  // namespace diskret::billing

#include "billing/billing_service.hpp"

#include "billing/ledger.hpp"

namespace diskret::billing {
namespace {

Error vault_missing() {
  return Error{make_error_code(vault_client::Errc::unreachable), "no card vault is configured"};
}

}  // namespace

std::string BillingService::owner_of(std::uint64_t tenant) {
  return "tenant:" + std::to_string(tenant);
}

Expected<std::int64_t> BillingService::credit(store::BillingWrites& writes, std::uint64_t tenant,
                                              EntryKind kind, std::int64_t amount,
                                              const std::string& reference, std::int64_t now_ms) {
  auto account = writes.account(tenant);
  if (!account) return unexpected(account.error());
  auto entry = make_entry(tenant, kind, amount, account->balance_cents, now_ms);
  if (!entry) return fail(Errc::invalid_argument, "the amount must be a positive number of cents");
  entry->reference = reference;
  if (auto ok = writes.append(*entry); !ok) return unexpected(ok.error());
  account->balance_cents = entry->balance_after;
  // Back above the threshold: the next crossing below alerts again.
  if (account->balance_cents >= low_threshold_) account->low_alerted = false;
  if (auto ok = writes.put_account(tenant, *account, now_ms); !ok) return unexpected(ok.error());
  return account->balance_cents;
}

Expected<std::int64_t> BillingService::grant(
    std::uint64_t tenant, std::int64_t amount_cents, const std::string& reason,
    const std::function<Expected<void>(store::WriteTransaction&)>& audit) {
  if (amount_cents <= 0) return fail(Errc::invalid_argument, "the amount must be positive");
  if (reason.empty()) return fail(Errc::invalid_argument, "a reason is required");
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto writes = billing_.writes(**tx);
  auto balance = credit(*writes, tenant, EntryKind::grant, amount_cents, reason, clock_.now_ms());
  if (!balance) return balance;
  if (audit) {
    if (auto ok = audit(**tx); !ok) return unexpected(ok.error());
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return balance;
}

TopupOutcome BillingService::outcome_of(const store::TopupRecord& r, std::int64_t balance,
                                        bool replayed) const {
  return TopupOutcome{r.status == "approved", r.reason, r.charge_id, r.amount_cents, balance,
                      replayed};
}

Expected<TopupOutcome> BillingService::topup(std::uint64_t tenant, const std::string& key,
                                             std::int64_t amount_cents,
                                             const std::string& card_token) {
  if (amount_cents <= 0) return fail(Errc::invalid_argument, "amount_cents must be positive");
  const auto same = [&](const store::TopupRecord& r) {
    return r.amount_cents == amount_cents && r.card_token == card_token;
  };
  const auto replay = [&](const store::TopupRecord& r) -> Expected<TopupOutcome> {
    if (!same(r)) return fail(Errc::already_exists, "the Idempotency-Key was used for another top-up");
    auto balance = billing_.balance(tenant);
    if (!balance) return unexpected(balance.error());
    return outcome_of(r, *balance, true);
  };
  auto earlier = billing_.topup(tenant, key);
  if (!earlier) return unexpected(earlier.error());
  if (*earlier) return replay(**earlier);
  if (vault_ == nullptr) return unexpected(vault_missing());

  // The vault is idempotent by key too: a retry after a crash below charges once.
  vault_client::ChargeRequest request;
  request.owner = owner_of(tenant);
  request.token = card_token;
  request.amount_cents = amount_cents;
  request.idempotency_key = "topup:" + std::to_string(tenant) + ":" + key;
  auto charged = vault_->charge(request);
  if (!charged) return unexpected(charged.error());

  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto writes = billing_.writes(**tx);
  // A concurrent request with the same key got here first: its row is the answer.
  auto raced = writes->topup(tenant, key);
  if (!raced) return unexpected(raced.error());
  if (*raced) {
    tx->reset();
    return replay(**raced);
  }
  const std::int64_t now_ms = clock_.now_ms();
  store::TopupRecord row{tenant, key, amount_cents, card_token, charged->charge_id,
                         charged->status == vault_client::ChargeStatus::approved ? "approved"
                                                                                  : "declined",
                         charged->reason, now_ms};
  if (auto ok = writes->insert_topup(row); !ok) return unexpected(ok.error());
  std::int64_t balance = 0;
  if (row.status == "approved") {
    auto credited = credit(*writes, tenant, EntryKind::topup, amount_cents,
                           "charge " + charged->charge_id, now_ms);
    if (!credited) return unexpected(credited.error());
    balance = *credited;
  } else {
    auto account = writes->account(tenant);
    if (!account) return unexpected(account.error());
    balance = account->balance_cents;
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return outcome_of(row, balance, false);
}

Expected<std::vector<vault_client::CardSummary>> BillingService::cards(std::uint64_t tenant) {
  if (vault_ == nullptr) return unexpected(vault_missing());
  return vault_->list_cards(owner_of(tenant));
}

Expected<std::string> BillingService::card_form_url(std::uint64_t tenant) {
  if (vault_ == nullptr) return unexpected(vault_missing());
  return vault_->form_url(owner_of(tenant));
}

Expected<void> BillingService::delete_card(std::uint64_t tenant, const std::string& token) {
  if (vault_ == nullptr) return unexpected(vault_missing());
  return vault_->delete_card(owner_of(tenant), token);
}

}  // namespace diskret::billing

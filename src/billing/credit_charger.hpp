#pragma once
/// CreditCharger: the pipeline's AcceptCharger for prepaid credit. It debits each new
/// message at its price inside the writer's transaction (so the balance check and the
/// debit are one atomic step with storing the message), rejects what the balance cannot
/// pay ("insufficient_credit"), refunds messages the carrier rejected, and reports
/// low-balance crossings after the commit.
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "billing/price_table.hpp"
#include "pipeline/accept_charger.hpp"
#include "store/billing_store.hpp"

namespace diskret::billing {

/// Called after the commit with a tenant whose balance just fell below the threshold.
using LowBalance = std::function<void(std::uint64_t tenant, std::int64_t balance_cents)>;

inline constexpr const char* kInsufficientCredit = "insufficient_credit";

class CreditCharger final : public pipeline::AcceptCharger {
 public:
  CreditCharger(store::BillingStore& store, PriceTable prices, std::int64_t low_threshold_cents,
                LowBalance on_low = {})
      : store_(store), prices_(std::move(prices)), low_threshold_(low_threshold_cents),
        on_low_(std::move(on_low)) {}

  Expected<std::size_t> charge(store::WriteTransaction& tx, pipeline::TenantId tenant,
                               std::vector<pipeline::NewMessage>& messages,
                               const std::vector<pipeline::MessageId>& ids,
                               std::int64_t now_ms) override;
  Expected<void> settle(store::WriteTransaction& tx, std::span<const pipeline::StatusEvent> events,
                        std::int64_t now_ms) override;
  void committed() override;

  /// The price of one message to `e164` with `segments` segments.
  std::int64_t price(const std::string& e164, std::uint32_t segments) const;

 private:
  store::BillingStore& store_;
  PriceTable prices_;
  std::int64_t low_threshold_;
  LowBalance on_low_;
  // Writer thread only: crossings of the transaction in progress.
  std::vector<std::pair<std::uint64_t, std::int64_t>> crossed_;
};

}  // namespace diskret::billing

#include "vault/test_acquirer.hpp"

#include "vault/errc.hpp"

namespace diskret::vault {

Expected<AcquirerResult> TestAcquirer::verify(const CardDetails& card, std::string_view cvc) {
  if (cvc.empty()) return AcquirerResult{false, "incorrect_cvc"};
  if (card.pan == kTestCardIncorrectCvc) return AcquirerResult{false, "incorrect_cvc"};
  return AcquirerResult{true, {}};
}

Expected<AcquirerResult> TestAcquirer::charge(const CardDetails& card, std::string_view reference,
                                              std::int64_t amount_cents, std::string_view) {
  std::lock_guard lock(mutex_);
  if (unreachable_ && !after_charging_) {
    return fail(Errc::acquirer_unavailable, "test acquirer: unreachable");
  }
  auto it = charges_.find(reference);
  if (it == charges_.end()) {
    AcquirerResult result{true, {}};
    if (card.pan == kTestCardDeclines) result = {false, "card_declined"};
    if (card.pan == kTestCardInsufficientFunds) result = {false, "insufficient_funds"};
    if (result.approved) approved_cents_ += amount_cents;
    it = charges_.emplace(std::string(reference), result).first;
  }
  if (unreachable_) return fail(Errc::acquirer_unavailable, "test acquirer: answer lost");
  return it->second;
}

void TestAcquirer::set_unreachable(bool unreachable, bool after_charging) {
  std::lock_guard lock(mutex_);
  unreachable_ = unreachable;
  after_charging_ = after_charging;
}

std::size_t TestAcquirer::charges_made() const {
  std::lock_guard lock(mutex_);
  return charges_.size();
}

std::int64_t TestAcquirer::approved_cents() const {
  std::lock_guard lock(mutex_);
  return approved_cents_;
}

}  // namespace diskret::vault

#pragma once
/// TestAcquirer: the vault's test-mode acquirer, which moves no money. Fixed test cards:
///   4242424242424242  approves
///   4000000000000002  declines charges (card_declined)
///   4000000000009995  declines charges (insufficient_funds)
///   4000000000000101  fails the card check when stored (incorrect_cvc)
/// Any other valid card approves.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "vault/acquirer.hpp"

namespace diskret::vault {

inline constexpr std::string_view kTestCardApproves = "4242424242424242";
inline constexpr std::string_view kTestCardDeclines = "4000000000000002";
inline constexpr std::string_view kTestCardInsufficientFunds = "4000000000009995";
inline constexpr std::string_view kTestCardIncorrectCvc = "4000000000000101";

class TestAcquirer final : public Acquirer {
 public:
  // Acquirer
  Expected<AcquirerResult> verify(const CardDetails& card, std::string_view cvc) override;
  Expected<AcquirerResult> charge(const CardDetails& card, std::string_view reference,
                                  std::int64_t amount_cents, std::string_view currency) override;

  /// While true, charge() fails as if the acquirer could not be reached (after charging
  /// when `after_charging`: the outcome is lost on the way back).
  void set_unreachable(bool unreachable, bool after_charging = false);
  /// Distinct references charged (approved or declined): what a real acquirer would bill.
  std::size_t charges_made() const;
  /// Sum of approved amounts.
  std::int64_t approved_cents() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, AcquirerResult, std::less<>> charges_;
  std::int64_t approved_cents_ = 0;
  bool unreachable_ = false;
  bool after_charging_ = false;
};

}  // namespace diskret::vault

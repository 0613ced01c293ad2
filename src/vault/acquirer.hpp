#pragma once
/// Acquirer: the seam to the payment processor that authorises card payments.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "vault/card_number.hpp"

namespace diskret::vault {

/// Card data for one call. The views point into wiped buffers that live only for the call.
struct CardDetails {
  std::string_view pan;
  Brand brand = Brand::visa;
  int exp_month = 0;
  int exp_year = 0;
};

struct AcquirerResult {
  bool approved = false;
  std::string reason;  ///< empty when approved; "card_declined", "insufficient_funds", ...
};

class Acquirer {
 public:
  virtual ~Acquirer() = default;
  /// Checks a card when it is stored (a zero-amount authorisation). This is the only call
  /// that sees the CVC, which is not kept anywhere afterwards.
  virtual Expected<AcquirerResult> verify(const CardDetails& card, std::string_view cvc) = 0;
  /// Charges once per `reference`: calling again with a reference already charged returns
  /// the first result without charging again (acquirer-side idempotency).
  /// Fails with Errc::acquirer_unavailable when the outcome is unknown.
  virtual Expected<AcquirerResult> charge(const CardDetails& card, std::string_view reference,
                                          std::int64_t amount_cents, std::string_view currency) = 0;
};

}  // namespace diskret::vault

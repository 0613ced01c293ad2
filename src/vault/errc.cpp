#include "vault/errc.hpp"

#include <string>

namespace diskret::vault {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "vault"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::ok: return "ok";
      case Errc::invalid_card: return "the card data is invalid";
      case Errc::card_declined: return "the card was declined";
      case Errc::not_found: return "no such card";
      case Errc::idempotency_conflict:
        return "the idempotency key was already used for a different charge";
      case Errc::unauthenticated: return "the request signature is missing or wrong";
      case Errc::stale_request: return "the request timestamp is outside the allowed window";
      case Errc::replayed_request: return "the request nonce was already used";
      case Errc::bad_form_link: return "the card form link is invalid or expired";
      case Errc::acquirer_unavailable: return "the acquirer cannot be reached";
      case Errc::storage: return "the vault database failed";
      case Errc::key_unavailable: return "no data key can be unwrapped with the master key";
      case Errc::corrupt_audit: return "the audit log hash chain does not verify";
    }
    return "unknown vault error";
  }
};

}  // namespace

const std::error_category& vault_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace diskret::vault

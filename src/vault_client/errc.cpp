#include "vault_client/errc.hpp"

#include <string>

namespace diskret::vault_client {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "vault_client"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::ok: return "ok";
      case Errc::unreachable: return "the card vault cannot be reached";
      case Errc::protocol: return "the card vault sent an answer that cannot be read";
      case Errc::unauthenticated: return "the card vault refused the service credential";
      case Errc::not_found: return "the card vault has no such card";
      case Errc::conflict: return "the idempotency key was used for a different charge";
      case Errc::invalid: return "the card vault rejected the request";
      case Errc::vault_error: return "the card vault failed";
    }
    return "unknown vault client error";
  }
};

}  // namespace

const std::error_category& vault_client_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace diskret::vault_client

#include "privacy/errc.hpp"

#include <string>

namespace diskret::privacy {
namespace {

class PrivacyCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "privacy"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "success";
      case Errc::invalid_policy: return "invalid retention policy";
      case Errc::erased: return "the data subject was erased";
    }
    return "unknown privacy error";
  }
};

}  // namespace

const std::error_category& privacy_category() noexcept {
  static const PrivacyCategory category;
  return category;
}

}  // namespace diskret::privacy

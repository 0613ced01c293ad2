#include "phone/errc.hpp"

#include <string>

namespace diskret::phone {
namespace {

class PhoneCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "phone"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "success";
      case Errc::invalid_country_code: return "invalid country code";
      case Errc::not_a_number: return "not a phone number";
      case Errc::too_short_after_idd: return "too short after the international prefix";
      case Errc::too_short_nsn: return "national number too short";
      case Errc::too_long: return "number too long";
      case Errc::invalid_number: return "not a valid phone number";
      case Errc::unknown_region: return "unknown default region";
    }
    return "unknown phone error";
  }
};

}  // namespace

const std::error_category& phone_category() noexcept {
  static const PhoneCategory category;
  return category;
}

}  // namespace diskret::phone

#include "inbound/errc.hpp"

#include <string>

namespace diskret::inbound {
namespace {

class InboundCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "inbound"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok:
        return "success";
      case Errc::invalid_keyword:
        return "invalid keyword";
      case Errc::duplicate_keyword:
        return "a keyword appears in two lists";
      case Errc::no_stop_keyword:
        return "at least one STOP keyword is required";
      case Errc::invalid_number:
        return "not a valid long number or short code";
      case Errc::invalid_url:
        return "invalid webhook URL";
      case Errc::invalid_secret:
        return "invalid webhook secret";
      case Errc::invalid_text:
        return "invalid reply text";
    }
    return "unknown inbound error";
  }
};

}  // namespace

const std::error_category& inbound_category() noexcept {
  static const InboundCategory category;
  return category;
}

}  // namespace diskret::inbound

#include "smtp/errc.hpp"

#include <string>

namespace diskret::smtp {
namespace {

class SmtpCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smtp"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok:
        return "success";
      case Errc::malformed_address:
        return "not a valid mail address";
      case Errc::foreign_domain:
        return "the domain is not served here";
      case Errc::not_a_number:
        return "the address is not a phone number";
      case Errc::empty_text:
        return "the message has no text to send";
      case Errc::malformed_message:
        return "the message could not be parsed";
      case Errc::content_refused:
        return "the text contains sensitive content";
    }
    return "unknown error";
  }
};

}  // namespace

const std::error_category& smtp_category() noexcept {
  static const SmtpCategory category;
  return category;
}

}  // namespace diskret::smtp

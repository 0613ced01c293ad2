#include "sms/errc.hpp"

#include <string>

namespace diskret::sms {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sms"; }

  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::ok: return "success";
      case Errc::empty_text: return "the message text is empty";
      case Errc::invalid_utf8: return "the message text is not valid UTF-8";
      case Errc::too_many_segments: return "the message text needs more SMS segments than allowed";
      case Errc::invalid_sender:
        return "the sender id is neither an alphanumeric name, a short code nor an "
               "international number";
      case Errc::sender_too_long: return "an alphanumeric sender id has at most 11 characters";
      case Errc::unencodable_sender:
        return "the sender id contains characters outside the GSM 7-bit default alphabet";
      case Errc::undecodable: return "the message octets do not decode in their data coding";
    }
    return "unknown sms error " + std::to_string(code);
  }
};

}  // namespace

const std::error_category& sms_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace diskret::sms

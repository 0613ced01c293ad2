#include "contacts/errc.hpp"

#include <string>

namespace diskret::contacts {
namespace {

class ContactsCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "contacts"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok:
        return "success";
      case Errc::empty_input:
        return "the CSV has no header row";
      case Errc::not_utf8:
        return "the CSV is not UTF-8 text";
      case Errc::bad_header:
        return "the CSV header row cannot be mapped";
      case Errc::no_phone_column:
        return "the CSV has no phone column";
      case Errc::too_many_rows:
        return "too many rows";
      case Errc::too_many_columns:
        return "too many columns";
      case Errc::invalid_field:
        return "invalid contact field";
      case Errc::invalid_consent:
        return "invalid consent record";
      case Errc::not_pending:
        return "no double opt-in is pending";
      case Errc::confirmation_expired:
        return "the double opt-in request has expired";
      case Errc::no_opt_out_text:
        return "marketing needs an opt-out text";
      case Errc::permission_denied:
        return "the role does not allow this";
      case Errc::suppressed:
        return "the number is on the suppression list";
      case Errc::last_owner:
        return "a tenant keeps at least one owner";
    }
    return "unknown contacts error";
  }
};

}  // namespace

const std::error_category& contacts_category() noexcept {
  static const ContactsCategory category;
  return category;
}

}  // namespace diskret::contacts

#include "smtp/recipient.hpp"

#include <algorithm>

#include "smtp/errc.hpp"

namespace diskret::smtp {
namespace {

constexpr std::size_t kMinDigits = 3;   // short codes exist; shorter is never a number
constexpr std::size_t kMaxDigits = 20;  // E.164 has 15; "00" + national forms stay below 20

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

/// "a\"b" -> a"b; false if the quote never closes.
bool unquote(std::string_view quoted, std::string& out) {
  for (std::size_t i = 1; i < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '\\' && i + 1 < quoted.size()) {
      out += quoted[++i];
    } else if (c == '"') {
      return i + 1 == quoted.size();
    } else {
      out += c;
    }
  }
  return false;
}

}  // namespace

Expected<Mailbox> parse_mailbox(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    return fail(Errc::malformed_address, "the address must have the form number@domain");
  }
  for (char c : address) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail(Errc::malformed_address, "the address contains a control character");
    }
  }
  Mailbox box;
  std::string_view local = address.substr(0, at);
  if (local.front() == '"') {
    if (!unquote(local, box.local_part)) {
      return fail(Errc::malformed_address, "the quoted local part is not terminated");
    }
  } else {
    box.local_part = std::string(local);
  }
  box.domain = std::string(address.substr(at + 1));
  if (box.domain.find_first_of(" <>@\"") != std::string::npos) {
    return fail(Errc::malformed_address, "the domain of the address is not valid");
  }
  return box;
}

bool domain_matches(std::string_view domain, std::string_view sms_domain) {
  auto strip = [](std::string_view d) {
    return !d.empty() && d.back() == '.' ? d.substr(0, d.size() - 1) : d;
  };
  domain = strip(domain);
  sms_domain = strip(sms_domain);
  return !domain.empty() && domain.size() == sms_domain.size() &&
         std::equal(domain.begin(), domain.end(), sms_domain.begin(),
                    [](char a, char b) { return lower(a) == lower(b); });
}

Expected<std::string> number_text(std::string_view local_part) {
  std::string out;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < local_part.size(); ++i) {
    char c = local_part[i];
    if (c >= '0' && c <= '9') {
      out += c;
      ++digits;
    } else if (c == '+') {
      if (!out.empty()) return fail(Errc::not_a_number, "a '+' may only start the number");
      out += c;
    } else if (!is_separator(c)) {
      return fail(Errc::not_a_number,
                  "the part before '@' must be a phone number (digits, optionally starting "
                  "with '+')");
    }
  }
  if (digits < kMinDigits) return fail(Errc::not_a_number, "the phone number is too short");
  if (digits > kMaxDigits) return fail(Errc::not_a_number, "the phone number is too long");
  return out;
}

Expected<std::string> sms_recipient(std::string_view address, std::string_view sms_domain) {
  auto box = parse_mailbox(address);
  if (!box) return unexpected(box.error());
  if (!domain_matches(box->domain, sms_domain)) {
    return fail(Errc::foreign_domain,
                "only mail to <number>@" + std::string(sms_domain) + " is accepted here");
  }
  return number_text(box->local_part);
}

}  // namespace diskret::smtp

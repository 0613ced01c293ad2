#include "sms/sender_id.hpp"

#include <algorithm>

#include "sms/gsm7_tables.hpp"
#include "sms/utf.hpp"

namespace diskret::sms {
namespace {

constexpr std::size_t kMaxAlphanumeric = 11;  // TS 23.040: 11 septets in TP-OA

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// Digits with separators ("0151 234-56", "(030) 1234") are a phone number typed loosely;
// accepting them as an alphanumeric sender would show the recipient a broken number.
bool looks_like_phone_number(std::string_view s) noexcept {
  constexpr std::string_view kSeparators = " -()/.";
  return std::any_of(s.begin(), s.end(), is_digit) &&
         std::all_of(s.begin(), s.end(), [&](char c) {
           return is_digit(c) || kSeparators.find(c) != std::string_view::npos;
         });
}

SenderId make(std::string_view value, SenderKind kind, std::uint8_t ton, std::uint8_t npi) {
  SenderId id;
  id.value = std::string(value);
  id.kind = kind;
  id.ton = ton;
  id.npi = npi;
  return id;
}

Expected<SenderId> parse_alphanumeric(std::string_view text) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < text.size(); ++characters) {
    const char32_t cp = utf::next(text, i);
    if (cp == utf::kInvalid) return fail(Errc::invalid_sender, "the sender id is not valid UTF-8");
    if (cp == U'\n' || cp == U'\r') {
      return fail(Errc::invalid_sender, "the sender id must not contain line breaks");
    }
    if (gsm7::kDefaultReverse.find(cp) < 0) {
      return fail(Errc::unencodable_sender,
                  "an alphanumeric sender id may only use characters of the GSM 7-bit default "
                  "alphabet (letters, digits, common punctuation; not [ ] { } ~ ^ | \\ or €)");
    }
  }
  if (text.front() == ' ' || text.back() == ' ') {
    return fail(Errc::invalid_sender, "the sender id must not start or end with a space");
  }
  if (characters > kMaxAlphanumeric) {
    return fail(Errc::sender_too_long, "an alphanumeric sender id has at most 11 characters, "
                                       "this one has " + std::to_string(characters));
  }
  return make(text, SenderKind::alphanumeric, 5, 0);
}

}  // namespace

Expected<SenderId> SenderId::parse(std::string_view text) {
  if (text.empty()) return fail(Errc::invalid_sender, "the sender id is empty");
  if (text.front() == '+') {
    const std::string_view digits = text.substr(1);
    if (all_digits(digits) && digits.size() >= 8 && digits.size() <= 15 && digits[0] != '0') {
      return make(digits, SenderKind::international, 1, 1);
    }
    return fail(Errc::invalid_sender,
                "an international sender id is '+' followed by 8 to 15 digits, the first not "
                "0, without spaces");
  }
  if (all_digits(text)) {
    if (text.size() >= 3 && text.size() <= 8) return make(text, SenderKind::short_code, 3, 0);
    return fail(Errc::invalid_sender,
                "a numeric sender id is a short code of 3 to 8 digits; write a long number "
                "as '+' and country code (E.164)");
  }
  if (looks_like_phone_number(text)) {
    return fail(Errc::invalid_sender,
                "the sender id looks like a phone number; write it as '+' followed by 8 to 15 "
                "digits without spaces or punctuation");
  }
  return parse_alphanumeric(text);
}

std::string SenderId::display() const {
  return kind == SenderKind::international ? "+" + value : value;
}

}  // namespace diskret::sms

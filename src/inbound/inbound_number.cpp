#include "inbound/inbound_number.hpp"

#include "phone/phone_number.hpp"

namespace diskret::inbound {
namespace {

constexpr std::size_t kMaxAddressLength = 32;

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
}

// "+4915..." / "004915..." / "4915..." / "015..." / "12345" -> '+'-prefix flag and digits.
struct Digits {
  bool plus = false;
  std::string digits;
};

std::optional<Digits> digits_of(std::string_view text) {
  if (text.empty() || text.size() > kMaxAddressLength) return std::nullopt;
  Digits d;
  std::size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  if (i < text.size() && text[i] == '+') {
    d.plus = true;
    ++i;
  }
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9')
      d.digits.push_back(c);
    else if (!is_separator(c))
      return std::nullopt;
  }
  if (d.digits.empty()) return std::nullopt;
  if (!d.plus && d.digits.size() > 2 && d.digits.starts_with("00")) {
    d.plus = true;
    d.digits.erase(0, 2);
  }
  return d;
}

bool is_short_code(const Digits& d) {
  return !d.plus && d.digits.size() >= kMinShortCodeDigits &&
         d.digits.size() <= kMaxShortCodeDigits && d.digits.front() != '0';
}

std::optional<std::string> e164_of(const Digits& d, std::string_view region) {
  // International digits without '+' are what SMSCs send with TON 1; a leading single 0
  // is national notation.
  const bool national = !d.plus && d.digits.front() == '0';
  const std::string text = national ? d.digits : "+" + d.digits;
  auto number = phone::PhoneNumber::parse(text, phone::Region{std::string(region)});
  if (!number) return std::nullopt;
  return number->e164();
}

}  // namespace

const char* number_kind_name(NumberKind kind) noexcept {
  return kind == NumberKind::short_code ? "short_code" : "long_number";
}

Expected<InboundNumber> parse_inbound_number(std::string_view text, std::string_view region) {
  const auto d = digits_of(text);
  if (!d) {
    return fail(Errc::invalid_number, "A number is digits with an optional leading '+'.");
  }
  if (is_short_code(*d)) return InboundNumber{d->digits, NumberKind::short_code};
  if (!d->plus && d->digits.front() != '0') {
    return fail(Errc::invalid_number,
                "Write long numbers with '+' or a national 0 prefix; short codes have 3 to 8 "
                "digits.");
  }
  auto e164 = e164_of(*d, region);
  if (!e164) return fail(Errc::invalid_number, "The number is not a valid phone number.");
  return InboundNumber{std::move(*e164), NumberKind::long_number};
}

std::optional<std::string> mo_address_key(std::string_view address, std::string_view region) {
  const auto d = digits_of(address);
  if (!d) return std::nullopt;
  if (is_short_code(*d)) return d->digits;
  // Assigned long numbers are valid E.164 (parse_inbound_number), so an address that is
  // not one cannot match any.
  return e164_of(*d, region);
}

std::optional<std::string> mo_sender_e164(std::string_view address, std::string_view region) {
  const auto d = digits_of(address);
  if (!d || is_short_code(*d)) return std::nullopt;
  return e164_of(*d, region);
}

}  // namespace diskret::inbound

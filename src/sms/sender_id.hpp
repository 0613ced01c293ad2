#pragma once
/// Sender ids (SMPP source_addr): alphanumeric, numeric short code or E.164 long number.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "sms/errc.hpp"

namespace diskret::sms {

enum class SenderKind : std::uint8_t { alphanumeric, short_code, international };

struct SenderId {
  std::string value;        ///< as put in source_addr ("Diskret", "12345", "4915112345678")
  SenderKind kind = SenderKind::alphanumeric;
  std::uint8_t ton = 5;     ///< alphanumeric 5/0, short code 3/0, international 1/1
  std::uint8_t npi = 0;

  /// "Diskret" (<= 11 GSM chars), "12345" (3-8 digits), "+4915112345678" (E.164).
  static Expected<SenderId> parse(std::string_view text);
  /// How it is shown in the API: "+4915112345678" for international, else value.
  std::string display() const;
  friend bool operator==(const SenderId&, const SenderId&) = default;
};

}  // namespace diskret::sms

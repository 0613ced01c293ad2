#pragma once
/// Inbound numbers: the long numbers (E.164) and short codes that the operator assigns to
/// tenants, and how a carrier's destination address of an MO is matched against them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "inbound/errc.hpp"

namespace diskret::inbound {

enum class NumberKind : std::uint8_t { long_number, short_code };

const char* number_kind_name(NumberKind kind) noexcept;  ///< "long_number", "short_code"

struct InboundNumber {
  std::string value;  ///< "+4915112345678" or "12345": the key numbers are stored under
  NumberKind kind = NumberKind::long_number;
  friend bool operator==(const InboundNumber&, const InboundNumber&) = default;
};

inline constexpr std::size_t kMinShortCodeDigits = 3;
inline constexpr std::size_t kMaxShortCodeDigits = 8;

/// What the operator types: "+49 151 1234 5678", "0049...", "0151 12345678" (national,
/// in `region`) or a short code "12345" (3 to 8 digits, no leading 0). Long numbers must
/// be valid (libphonenumber). Fails with Errc::invalid_number.
Expected<InboundNumber> parse_inbound_number(std::string_view text, std::string_view region);

/// The key an MO's destination address is looked up under. Carriers write it as
/// international digits without '+' (TON 1), with '+' or "00", or as a short code; a
/// national number ("0151...") is read in `region`. Separators (blank, '-', '.', '/', '(',
/// ')') are ignored. Nullopt for anything else (alphanumeric, empty, too long).
std::optional<std::string> mo_address_key(std::string_view address, std::string_view region);

/// The sender of an MO as E.164 when it is a phone number (same notations as above; short
/// codes and alphanumeric senders give nullopt).
std::optional<std::string> mo_sender_e164(std::string_view address, std::string_view region);

}  // namespace diskret::inbound

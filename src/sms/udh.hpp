#pragma once
/// User data header (3GPP TS 23.040 9.2.3.24): the IEs diskret writes and reads, and the
/// room a UDH leaves for text. Private to sms.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "sms/inbound.hpp"
#include "sms/text.hpp"

namespace diskret::sms::udh {

inline constexpr std::size_t kMaxOctets = 140;   ///< user data of one SMS
inline constexpr std::size_t kMaxSeptets = 160;  ///< 140 octets * 8 / 7

inline constexpr std::uint8_t kIeiConcat8 = 0x00;
inline constexpr std::uint8_t kIeiConcat16 = 0x08;
inline constexpr std::uint8_t kIeiSingleShift = 0x24;
inline constexpr std::uint8_t kIeiLockingShift = 0x25;

/// Octets of a UDH (UDHL octet included) holding a concatenation IE and/or a single shift
/// IE; 0 when neither is needed.
constexpr std::size_t length(bool concatenated, Concatenation c, bool language) noexcept {
  std::size_t ies = 0;
  if (concatenated) ies += c == Concatenation::udh16 ? 6 : 5;
  if (language) ies += 3;
  return ies == 0 ? 0 : ies + 1;
}

/// Septets a UDH of `octets` occupies in 7-bit user data, fill bits included.
constexpr std::size_t septets_of(std::size_t octets) noexcept { return (octets * 8 + 6) / 7; }

constexpr std::size_t septet_capacity(std::size_t udh_octets) noexcept {
  return kMaxSeptets - septets_of(udh_octets);
}

constexpr std::size_t ucs2_capacity(std::size_t udh_octets) noexcept {
  return (kMaxOctets - udh_octets) / 2;
}

struct Header {
  bool concatenated = false;
  Concatenation concatenation = Concatenation::udh8;
  std::uint16_t reference = 0;
  std::uint8_t total = 1;
  std::uint8_t number = 1;
  NationalLanguage language = NationalLanguage::none;  ///< single shift IE when not none
};

/// Appends the UDH (UDHL first); appends nothing when the header holds no IE.
void append(std::string& out, const Header& header);

struct Parsed {
  std::size_t length = 0;  ///< octets of the UDH, UDHL included
  std::optional<ConcatInfo> concat;
  std::uint8_t single_shift = 0;   ///< national language id from IEI 0x24 (0 = none)
  std::uint8_t locking_shift = 0;  ///< national language id from IEI 0x25 (0 = none)
};

/// Parses the UDH at the start of `octets`; Errc::undecodable when it overruns the data,
/// an IE overruns the UDH, or a known IE has the wrong length or impossible values.
Expected<Parsed> parse(std::string_view octets);

}  // namespace diskret::sms::udh

#pragma once
/// Decoding of mobile-originated (MO) short messages to UTF-8, and reassembly of
/// concatenated parts.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "sms/text.hpp"

namespace diskret::sms {

struct ConcatInfo {
  std::uint16_t reference = 0;
  std::uint8_t total = 1;
  std::uint8_t number = 1;  ///< 1-based
};

struct DecodedPart {
  std::string text;                  ///< UTF-8
  std::optional<ConcatInfo> concat;  ///< from UDH IEI 0x00/0x08 (or caller-provided sar_* TLVs)
};

/// Decodes short_message octets: data_coding 0 (GSM default, `packing` decides), 1 (IA5),
/// 3 (Latin-1), 8 (UCS-2/UTF-16BE); other values -> Errc::undecodable. With `udhi` the
/// UDH is parsed for concatenation and national language shift IEIs and stripped; a
/// malformed UDH or an unsupported language table -> Errc::undecodable. A lone UTF-16
/// surrogate in UCS-2 decodes as U+FFFD.
Expected<DecodedPart> decode(std::string_view octets, std::uint8_t data_coding, bool udhi,
                             GsmPacking packing = GsmPacking::unpacked);

/// Collects the parts of concatenated MO messages per (source, reference) and returns the
/// whole text once every part arrived. Parts older than `max_age` are dropped by `expire`.
class Reassembler {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  /// Returns the complete text when `part` completes a message (or is not concatenated).
  /// Parts may come in any order; a duplicate part keeps the first copy; a part whose total
  /// differs from the pending one under the same reference starts the message over; a part
  /// with impossible numbering (0, or above total) is returned as a whole text.
  std::optional<std::string> add(std::string_view source, const DecodedPart& part, TimePoint now);
  /// Drops incomplete messages whose first part arrived more than `max_age` before `now`;
  /// returns how many messages were dropped.
  std::size_t expire(TimePoint now, std::chrono::seconds max_age);
  std::size_t pending() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    std::map<std::uint8_t, std::string> parts;
    std::uint8_t total = 0;
    TimePoint first_seen;
  };
  std::map<std::pair<std::string, std::uint16_t>, Pending> pending_;
};

}  // namespace diskret::sms

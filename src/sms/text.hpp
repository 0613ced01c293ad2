#pragma once
/// Text analysis and encoding for SMS: GSM 03.38 (with national language shift tables)
/// or UCS-2, segment counting and splitting into SMPP short_message parts. Pure code.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "sms/errc.hpp"

namespace diskret::sms {

enum class Encoding : std::uint8_t { gsm7, ucs2 };
enum class GsmPacking : std::uint8_t { unpacked, packed };
/// How a long message is split: UDH with 8-bit (IEI 0x00) or 16-bit (IEI 0x08)
/// reference, or sent whole in the message_payload TLV.
enum class Concatenation : std::uint8_t { udh8, udh16, payload };
/// GSM 03.38 national language (single shift) tables, by their IEI 0x24/0x25 identifier.
enum class NationalLanguage : std::uint8_t { none = 0, turkish = 1, spanish = 2, portuguese = 3 };

struct TextOptions {
  /// Shift tables a carrier accepts; tried (in order) only when the default alphabet fails.
  std::vector<NationalLanguage> national_languages;
};

struct TextInfo {
  Encoding encoding = Encoding::gsm7;
  NationalLanguage language = NationalLanguage::none;  ///< shift table used, if any
  std::size_t characters = 0;  ///< Unicode code points
  std::size_t units = 0;       ///< septets (gsm7, escapes count 2) or UTF-16 code units (ucs2)
  std::size_t segments = 0;    ///< 1 if it fits one SMS, else concatenated parts (153/67 per part)
  std::size_t units_left = 0;  ///< free units in the last segment
};

/// Counts encoding and segments without building any bytes (no allocation). Fails on
/// invalid UTF-8 or empty text. `concatenation` sets the part size (udh8 153/67, udh16
/// 152/66; payload counts like udh8); it matches encode() with the same options.
Expected<TextInfo> analyse(std::string_view utf8, const TextOptions& options = {},
                           Concatenation concatenation = Concatenation::udh8);

const char* encoding_name(Encoding e) noexcept;  ///< "gsm7" / "ucs2"

struct EncodeOptions {
  TextOptions text;
  GsmPacking packing = GsmPacking::unpacked;
  Concatenation concatenation = Concatenation::udh8;
  std::uint16_t reference = 0;     ///< concatenation reference (caller rotates it per destination)
  std::size_t max_segments = 10;   ///< more -> Errc::too_many_segments
};

struct EncodedMessage {
  Encoding encoding = Encoding::gsm7;
  NationalLanguage language = NationalLanguage::none;
  std::uint8_t data_coding = 0;     ///< 0x00 (GSM default) or 0x08 (UCS-2)
  bool udhi = false;                ///< set esm_class UDHI (0x40) on every part
  /// Send parts[0] in message_payload, short_message empty. Only set for Concatenation::payload
  /// and a text longer than one segment; a text that fits one SMS goes in short_message.
  bool use_payload = false;
  std::vector<std::string> parts;   ///< octets per submit_sm (UDH included when udhi)
  std::size_t segments = 0;         ///< billable segments (also for payload mode)
};

/// Builds the SMPP octets for a text.
Expected<EncodedMessage> encode(std::string_view utf8, const EncodeOptions& options);

}  // namespace diskret::sms

#pragma once
/// GSM 7-bit codec: text <-> septets (default alphabet, extension and national tables) and
/// septets <-> packed octets with the fill bits that follow a UDH. Private to sms.
#include <cstddef>
#include <string>
#include <string_view>

#include "sms/text.hpp"

namespace diskret::sms::gsm7 {

/// Appends the septets (one per char) of UTF-8 `utf8`, using the default alphabet and the
/// single shift table of `lang`; `count` is their number, known from the analysis. The
/// caller has checked that every character is encodable.
void append_septets(std::string& septets, std::string_view utf8, NationalLanguage lang,
                    std::size_t count);

/// Appends `septets` packed 7 bits each, LSB first, after the `udh_octets` octets that `out`
/// already ends with; the first septet starts on the next septet boundary (fill bits). When
/// the last octet would keep 7 spare bits, a CR fills them (TS 23.038 6.1.2.3.1) so that the
/// receiver does not read an extra '@'.
void pack(std::string& out, std::string_view septets, std::size_t udh_octets);

/// Reads the septets packed after a UDH of `udh_octets` octets at the start of `octets`,
/// dropping a CR that fills 7 spare bits of the last octet.
std::string unpack(std::string_view octets, std::size_t udh_octets);

/// Appends the UTF-8 text of `septets` (values < 0x80) read with the main table of `locking`
/// and the escape table of `single`. Unknown escape codes show the main-table character and
/// escape-escape shows a space, as TS 23.038 6.2.1.1 asks; a trailing lone escape is dropped.
void append_text(std::string& utf8, std::string_view septets, NationalLanguage locking,
                 NationalLanguage single);

}  // namespace diskret::sms::gsm7

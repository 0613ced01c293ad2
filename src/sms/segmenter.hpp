#pragma once
/// Chooses the encoding of a text and counts its units and segments without building bytes;
/// shared by analyse() and encode() so that both always agree. Private to sms.
#include <cstddef>
#include <string_view>

#include "core/expected.hpp"
#include "sms/text.hpp"

namespace diskret::sms {

struct Plan {
  Encoding encoding = Encoding::gsm7;
  NationalLanguage language = NationalLanguage::none;
  std::size_t characters = 0;
  std::size_t units = 0;
  std::size_t segments = 0;
  std::size_t units_left = 0;
  std::size_t single_capacity = 0;  ///< units that fit one unconcatenated SMS
  std::size_t part_capacity = 0;    ///< units per part of a concatenated SMS
};

/// Fails with Errc::empty_text or Errc::invalid_utf8. `concatenation` decides the part size
/// (payload counts like udh8: billable segments as if a UDH were used).
Expected<Plan> plan_text(std::string_view utf8, const TextOptions& options,
                         Concatenation concatenation);

}  // namespace diskret::sms

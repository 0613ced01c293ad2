#include "sms/text.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>

#include "sms/gsm7.hpp"
#include "sms/gsm7_tables.hpp"
#include "sms/segmenter.hpp"
#include "sms/udh.hpp"
#include "sms/utf.hpp"

namespace diskret::sms {
namespace {

constexpr std::size_t kMaxUdhParts = 255;  // the UDH "total" field is one octet

// Cuts `data` into parts of at most `capacity` units, never splitting a two-unit group (an
// escape sequence, a surrogate pair): `starts_group(k)` tells whether unit k begins one.
// Cutting at capacity and stepping back one unit when the last unit would begin a group is
// the same greedy rule plan_text() counts with, in O(parts). `unit_bytes`: 1 for septets,
// 2 for UTF-16BE.
template <class StartsGroup>
std::vector<std::string_view> split(std::string_view data, std::size_t capacity,
                                    std::size_t unit_bytes, StartsGroup starts_group) {
  std::vector<std::string_view> parts;
  const std::size_t units = data.size() / unit_bytes;
  std::size_t start = 0;
  while (units - start > capacity) {
    std::size_t cut = start + capacity;
    if (starts_group(cut - 1)) --cut;
    parts.push_back(data.substr(start * unit_bytes, (cut - start) * unit_bytes));
    start = cut;
  }
  parts.push_back(data.substr(start * unit_bytes));
  return parts;
}

std::string to_utf16be(std::string_view utf8, std::size_t units) {
  std::string out(units * 2, '\0');
  std::size_t k = 0;
  const auto put = [&](char32_t u) {
    out[k++] = static_cast<char>(u >> 8);
    out[k++] = static_cast<char>(u & 0xFF);
  };
  for (std::size_t i = 0; i < utf8.size() && k + 1 < out.size();) {
    char32_t cp = utf::next(utf8, i);
    if (cp > 0xFFFF && k + 3 < out.size()) {
      cp -= 0x10000;
      put(0xD800 | (cp >> 10));
      put(0xDC00 | (cp & 0x3FF));
    } else if (cp <= 0xFFFF) {
      put(cp);
    }
  }
  out.resize(k);
  return out;
}

}  // namespace

Expected<TextInfo> analyse(std::string_view utf8, const TextOptions& options,
                           Concatenation concatenation) {
  auto plan = plan_text(utf8, options, concatenation);
  if (!plan) return unexpected(std::move(plan.error()));
  TextInfo info;
  info.encoding = plan->encoding;
  info.language = plan->language;
  info.characters = plan->characters;
  info.units = plan->units;
  info.segments = plan->segments;
  info.units_left = plan->units_left;
  return info;
}

const char* encoding_name(Encoding e) noexcept {
  return e == Encoding::ucs2 ? "ucs2" : "gsm7";
}

Expected<EncodedMessage> encode(std::string_view utf8, const EncodeOptions& options) {
  auto plan = plan_text(utf8, options.text, options.concatenation);
  if (!plan) return unexpected(std::move(plan.error()));
  const bool payload = options.concatenation == Concatenation::payload;
  if (plan->segments > options.max_segments || (!payload && plan->segments > kMaxUdhParts)) {
    return fail(Errc::too_many_segments,
                "the text needs " + std::to_string(plan->segments) +
                    " SMS segments, more than the limit of " +
                    std::to_string(payload ? options.max_segments
                                           : std::min(options.max_segments, kMaxUdhParts)));
  }
  EncodedMessage msg;
  msg.encoding = plan->encoding;
  msg.language = plan->language;
  msg.data_coding = plan->encoding == Encoding::ucs2 ? 0x08 : 0x00;
  msg.segments = plan->segments;
  const bool multi = plan->segments > 1;
  msg.use_payload = multi && payload;
  udh::Header header;
  header.concatenated = multi && !payload;
  header.concatenation = options.concatenation == Concatenation::udh16 ? Concatenation::udh16
                                                                       : Concatenation::udh8;
  header.reference = options.reference;
  header.total = static_cast<std::uint8_t>(header.concatenated ? plan->segments : 1);
  header.language = plan->language;
  const std::size_t udh_octets = udh::length(header.concatenated, header.concatenation,
                                             header.language != NationalLanguage::none);
  msg.udhi = udh_octets > 0;
  const std::size_t capacity =
      header.concatenated ? plan->part_capacity : std::numeric_limits<std::size_t>::max();

  std::string units;
  std::vector<std::string_view> chunks;
  if (plan->encoding == Encoding::gsm7) {
    gsm7::append_septets(units, utf8, plan->language, plan->units);
    // the code after an escape is never 0x1B itself, so every 0x1B begins a group
    chunks = split(units, capacity, 1, [&](std::size_t k) {
      return units[k] == static_cast<char>(gsm7::kEscape);
    });
  } else {
    units = to_utf16be(utf8, plan->units);
    chunks = split(units, capacity, 2, [&](std::size_t k) {
      return (static_cast<std::uint8_t>(units[2 * k]) & 0xFC) == 0xD8;  // high surrogate
    });
  }
  assert(chunks.size() == (header.concatenated ? plan->segments : 1));

  msg.parts.reserve(chunks.size());
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    std::string part;
    part.reserve(udh_octets + chunks[k].size());
    header.number = static_cast<std::uint8_t>(k + 1);
    udh::append(part, header);
    if (plan->encoding == Encoding::gsm7 && options.packing == GsmPacking::packed) {
      gsm7::pack(part, chunks[k], udh_octets);
    } else {
      part.append(chunks[k]);
    }
    msg.parts.push_back(std::move(part));
  }
  return msg;
}

}  // namespace diskret::sms

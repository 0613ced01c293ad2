#include "sms/inbound.hpp"

#include <cstdio>

#include "sms/errc.hpp"
#include "sms/gsm7.hpp"
#include "sms/udh.hpp"
#include "sms/utf.hpp"

namespace diskret::sms {
namespace {

Expected<NationalLanguage> language_of(std::uint8_t id) {
  if (id <= static_cast<std::uint8_t>(NationalLanguage::portuguese)) {
    return static_cast<NationalLanguage>(id);
  }
  return fail(Errc::undecodable,
              "national language table " + std::to_string(id) + " is not supported");
}

Expected<std::string> decode_gsm(std::string_view octets, const udh::Parsed& header,
                                 GsmPacking packing) {
  auto locking = language_of(header.locking_shift);
  if (!locking) return unexpected(std::move(locking.error()));
  auto single = language_of(header.single_shift);
  if (!single) return unexpected(std::move(single.error()));
  std::string septets;
  if (packing == GsmPacking::packed) {
    septets = gsm7::unpack(octets, header.length);
  } else {
    septets.assign(octets.substr(header.length));
    for (const char c : septets) {
      if (static_cast<std::uint8_t>(c) > 0x7F) {
        return fail(Errc::undecodable, "unpacked GSM 7-bit text holds an octet above 0x7F");
      }
    }
  }
  std::string text;
  text.reserve(septets.size() + septets.size() / 2);
  gsm7::append_text(text, septets, *locking, *single);
  return text;
}

Expected<std::string> decode_ia5(std::string_view body) {
  for (const char c : body) {
    if (static_cast<std::uint8_t>(c) > 0x7F) {
      return fail(Errc::undecodable, "IA5 (ASCII) text holds an octet above 0x7F");
    }
  }
  return std::string(body);
}

std::string decode_latin1(std::string_view body) {
  std::string text;
  text.reserve(body.size() * 2);
  for (const char c : body) utf::append_utf8(text, static_cast<std::uint8_t>(c));
  return text;
}

// A surrogate without its partner (a pair split by a careless sender) becomes U+FFFD rather
// than failing the whole message.
Expected<std::string> decode_ucs2(std::string_view body) {
  if (body.size() % 2 != 0) {
    return fail(Errc::undecodable, "UCS-2 text has an odd number of octets");
  }
  const auto unit = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<std::uint8_t>(body[2 * k]) << 8 |
                                 static_cast<std::uint8_t>(body[2 * k + 1]));
  };
  const std::size_t n = body.size() / 2;
  std::string text;
  text.reserve(body.size() * 3 / 2);
  for (std::size_t k = 0; k < n; ++k) {
    char32_t u = unit(k);
    if (u >= 0xD800 && u <= 0xDBFF && k + 1 < n && unit(k + 1) >= 0xDC00 &&
        unit(k + 1) <= 0xDFFF) {
      u = 0x10000 + ((u - 0xD800) << 10) + (unit(k + 1) - 0xDC00);
      ++k;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      u = utf::kReplacement;
    }
    utf::append_utf8(text, u);
  }
  return text;
}

}  // namespace

Expected<DecodedPart> decode(std::string_view octets, std::uint8_t data_coding, bool udhi,
                             GsmPacking packing) {
  udh::Parsed header;
  if (udhi) {
    auto parsed = udh::parse(octets);
    if (!parsed) return unexpected(std::move(parsed.error()));
    header = *parsed;
  }
  const std::string_view body = octets.substr(header.length);
  Expected<std::string> text;
  switch (data_coding) {
    case 0x00: text = decode_gsm(octets, header, packing); break;
    case 0x01: text = decode_ia5(body); break;
    case 0x03: text = decode_latin1(body); break;
    case 0x08: text = decode_ucs2(body); break;
    default: {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", data_coding);
      return fail(Errc::undecodable, std::string("data_coding ") + hex + " is not supported");
    }
  }
  if (!text) return unexpected(std::move(text.error()));
  DecodedPart part;
  part.text = std::move(*text);
  part.concat = header.concat;
  return part;
}

std::optional<std::string> Reassembler::add(std::string_view source, const DecodedPart& part,
                                            TimePoint now) {
  if (!part.concat) return part.text;
  const ConcatInfo& c = *part.concat;
  if (c.total <= 1 || c.number == 0 || c.number > c.total) return part.text;
  auto [it, inserted] = pending_.try_emplace({std::string(source), c.reference});
  Pending& p = it->second;
  // A different total under the same reference is a new message reusing the reference
  // (the old one lost parts): start over rather than mixing the two.
  if (inserted || p.total != c.total) {
    p.parts.clear();
    p.total = c.total;
    p.first_seen = now;
  }
  p.parts.try_emplace(c.number, part.text);  // a duplicate keeps the first copy
  if (p.parts.size() < p.total) return std::nullopt;
  std::string whole;
  for (const auto& [number, text] : p.parts) whole += text;
  pending_.erase(it);
  return whole;
}

std::size_t Reassembler::expire(TimePoint now, std::chrono::seconds max_age) {
  std::size_t dropped = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now - it->second.first_seen > max_age) {
      it = pending_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  return dropped;
}

}  // namespace diskret::sms

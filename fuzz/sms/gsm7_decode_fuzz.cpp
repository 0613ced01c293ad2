// libFuzzer target for the sms codecs. The first octet chooses the path:
//  - high bit clear: decode() the rest with a data_coding / UDHI / packing taken from that
//    octet, and check the text is valid UTF-8; parts also go through a Reassembler.
//  - high bit set: encode() the rest as UTF-8 with options from the first two octets; valid
//    text must encode (or hit the segment limit), agree with analyse(), keep parts within
//    140 octets, and decode + reassemble back to itself.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sms/inbound.hpp"
#include "sms/text.hpp"
#include "sms/utf.hpp"

namespace {

using namespace diskret::sms;

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_decode(std::uint8_t selector, std::string_view octets) {
  static constexpr std::uint8_t kCodings[] = {0x00, 0x01, 0x03, 0x08, 0x04, 0xF0};
  const std::uint8_t dc = kCodings[(selector & 0x07) % 6];
  const bool udhi = (selector & 0x08) != 0;
  const auto packing = (selector & 0x10) != 0 ? GsmPacking::packed : GsmPacking::unpacked;
  auto part = decode(octets, dc, udhi, packing);
  if (!part) {
    check(part.error().code == Errc::undecodable && !part.error().detail.empty());
    return;
  }
  check(utf::valid(part->text));
  if (part->concat) check(part->concat->number >= 1 && part->concat->number <= part->concat->total);
  static Reassembler reassembler;
  static std::chrono::steady_clock::time_point now{};
  now += std::chrono::seconds(1);
  if (auto whole = reassembler.add("fuzz", *part, now)) check(utf::valid(*whole));
  reassembler.expire(now, std::chrono::seconds(30));
}

void fuzz_encode(std::uint8_t selector, std::uint8_t extra, std::string_view text) {
  EncodeOptions o;
  o.packing = (selector & 0x01) != 0 ? GsmPacking::packed : GsmPacking::unpacked;
  static constexpr Concatenation kConcat[] = {Concatenation::udh8, Concatenation::udh16,
                                              Concatenation::payload, Concatenation::udh8};
  o.concatenation = kConcat[(selector >> 1) & 3];
  if (selector & 0x08) o.text.national_languages.push_back(NationalLanguage::turkish);
  if (selector & 0x10) o.text.national_languages.push_back(NationalLanguage::spanish);
  if (selector & 0x20) o.text.national_languages.push_back(NationalLanguage::portuguese);
  o.reference = static_cast<std::uint16_t>(extra * 257);
  o.max_segments = 1 + extra;

  auto info = analyse(text, o.text, o.concatenation);
  auto msg = encode(text, o);
  if (!info) {
    check(!msg && msg.error().code == info.error().code);
    check(text.empty() || !utf::valid(text));
    return;
  }
  if (!msg) {
    check(msg.error().code == Errc::too_many_segments && info->segments > o.max_segments);
    return;
  }
  check(msg->segments == info->segments && msg->encoding == info->encoding);
  check(msg->use_payload || msg->parts.size() == msg->segments);
  std::string whole;
  for (const auto& p : msg->parts) {
    if (!msg->use_payload && (o.packing == GsmPacking::packed || msg->encoding == Encoding::ucs2)) {
      check(p.size() <= 140);
    }
    auto part = decode(p, msg->data_coding, msg->udhi, o.packing);
    check(part.has_value());
    whole += part->text;
  }
  // Packed text loses a CR that ends exactly on an octet boundary (TS 23.038 CR filler).
  const bool cr_caveat = o.packing == GsmPacking::packed && text.find('\r') != text.npos;
  if (!cr_caveat) check(whole == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  if ((data[0] & 0x80) == 0) {
    fuzz_decode(data[0], std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  } else {
    fuzz_encode(data[0], data[1], rest);
  }
  return 0;
}

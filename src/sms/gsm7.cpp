#include "sms/gsm7.hpp"

#include <cstdint>

#include "sms/gsm7_tables.hpp"
#include "sms/udh.hpp"
#include "sms/utf.hpp"

namespace diskret::sms::gsm7 {

void append_septets(std::string& septets, std::string_view utf8, NationalLanguage lang,
                    std::size_t count) {
  const Reverse& shift = shift_reverse(lang);
  const std::size_t start = septets.size();
  septets.resize(start + count);
  char* out = septets.data() + start;
  char* const end = out + count;
  for (std::size_t i = 0; i < utf8.size() && out != end;) {
    const auto b = static_cast<std::uint8_t>(utf8[i]);
    const char32_t cp = b < 0x80 ? (++i, char32_t{b}) : utf::next(utf8, i);
    if (const int main = kDefaultReverse.find(cp); main >= 0) {
      *out++ = static_cast<char>(main);
    } else if (const int ext = shift.find(cp); ext >= 0 && end - out >= 2) {
      *out++ = static_cast<char>(kEscape);
      *out++ = static_cast<char>(ext);
    }
  }
  septets.resize(static_cast<std::size_t>(out - septets.data()));
}

void pack(std::string& out, std::string_view septets, std::size_t udh_octets) {
  const std::size_t udh_septets = udh::septets_of(udh_octets);
  const std::size_t count = udh_septets + septets.size();
  const bool pad = count % 8 == 7;
  const std::size_t octets = ((count + (pad ? 1 : 0)) * 7 + 7) / 8;
  const std::size_t base = out.size() - udh_octets;
  out.resize(base + octets, '\0');
  char* dst = out.data() + base + udh_octets;
  // Bits accumulate LSB first; the fill bits after the UDH are the zeros we start with.
  std::uint32_t acc = 0;
  unsigned bits = static_cast<unsigned>(udh_septets * 7 - udh_octets * 8);
  const auto put = [&](std::uint32_t septet) {
    acc |= (septet & 0x7F) << bits;
    bits += 7;
    if (bits >= 8) {
      *dst++ = static_cast<char>(acc & 0xFF);
      acc >>= 8;
      bits -= 8;
    }
  };
  for (const char s : septets) put(static_cast<std::uint8_t>(s));
  if (pad) put(kCarriageReturn);
  if (bits > 0) *dst = static_cast<char>(acc & 0xFF);
}

std::string unpack(std::string_view octets, std::size_t udh_octets) {
  const std::size_t total = octets.size() * 8 / 7;
  const std::size_t first = udh::septets_of(udh_octets);
  std::string septets;
  if (total <= first) return septets;
  septets.reserve(total - first);
  const auto* data = reinterpret_cast<const std::uint8_t*>(octets.data());
  for (std::size_t k = first; k < total; ++k) {
    const std::size_t bit = k * 7;
    const std::size_t byte = bit / 8;
    const unsigned shift = bit % 8;
    unsigned v = data[byte] >> shift;
    if (shift > 1) v |= static_cast<unsigned>(data[byte + 1]) << (8 - shift);
    septets.push_back(static_cast<char>(v & 0x7F));
  }
  // Octets that end exactly on a septet boundary may carry the CR pack() adds as filler.
  if (octets.size() % 7 == 0 && septets.back() == static_cast<char>(kCarriageReturn)) {
    septets.pop_back();
  }
  return septets;
}

void append_text(std::string& utf8, std::string_view septets, NationalLanguage locking,
                 NationalLanguage single) {
  const Table& main = locking_table(locking);
  const Table& ext = shift_table(single);
  for (std::size_t i = 0; i < septets.size(); ++i) {
    const auto s = static_cast<std::uint8_t>(septets[i]) & 0x7F;
    if (s != kEscape) {
      utf::append_utf8(utf8, main[s]);
      continue;
    }
    if (++i == septets.size()) break;
    const auto e = static_cast<std::uint8_t>(septets[i]) & 0x7F;
    if (e == kEscape) {
      utf::append_utf8(utf8, U' ');
    } else {
      utf::append_utf8(utf8, ext[e] != 0 ? ext[e] : main[e]);
    }
  }
}

}  // namespace diskret::sms::gsm7

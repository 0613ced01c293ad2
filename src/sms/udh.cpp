#include "sms/udh.hpp"

#include "sms/errc.hpp"

namespace diskret::sms::udh {

void append(std::string& out, const Header& h) {
  const bool language = h.language != NationalLanguage::none;
  const std::size_t len = length(h.concatenated, h.concatenation, language);
  if (len == 0) return;
  out.push_back(static_cast<char>(len - 1));
  const auto put = [&](unsigned v) { out.push_back(static_cast<char>(v & 0xFF)); };
  if (h.concatenated) {
    if (h.concatenation == Concatenation::udh16) {
      put(kIeiConcat16), put(4), put(h.reference >> 8), put(h.reference);
    } else {
      put(kIeiConcat8), put(3), put(h.reference);
    }
    put(h.total), put(h.number);
  }
  if (language) put(kIeiSingleShift), put(1), put(static_cast<unsigned>(h.language));
}

namespace {

unexpected<Error> malformed(const char* why) {
  return fail(Errc::undecodable, std::string("malformed user data header: ") + why);
}

}  // namespace

Expected<Parsed> parse(std::string_view octets) {
  if (octets.empty()) return malformed("UDHI is set but the message is empty");
  const auto at = [&](std::size_t i) { return static_cast<std::uint8_t>(octets[i]); };
  Parsed out;
  out.length = std::size_t{at(0)} + 1;
  if (out.length > octets.size()) return malformed("its length exceeds the message");
  for (std::size_t i = 1; i < out.length;) {
    if (out.length - i < 2) return malformed("an information element is truncated");
    const std::uint8_t iei = at(i);
    const std::size_t len = at(i + 1);
    const std::size_t data = i + 2;
    if (out.length - data < len) return malformed("an information element overruns the header");
    switch (iei) {
      case kIeiConcat8:
      case kIeiConcat16: {
        const bool wide = iei == kIeiConcat16;
        if (len != (wide ? 4u : 3u)) return malformed("concatenation element has a wrong length");
        ConcatInfo c;
        c.reference = wide ? static_cast<std::uint16_t>(at(data) << 8 | at(data + 1)) : at(data);
        c.total = at(data + len - 2);
        c.number = at(data + len - 1);
        if (c.total == 0 || c.number == 0 || c.number > c.total) {
          return malformed("concatenation part number is outside 1..total");
        }
        out.concat = c;
        break;
      }
      case kIeiSingleShift:
      case kIeiLockingShift:
        if (len != 1) return malformed("national language element has a wrong length");
        (iei == kIeiSingleShift ? out.single_shift : out.locking_shift) = at(data);
        break;
      default:
        break;  // other IEs (ports, EMS formatting, ...) do not change the text
    }
    i = data + len;
  }
  return out;
}

}  // namespace diskret::sms::udh

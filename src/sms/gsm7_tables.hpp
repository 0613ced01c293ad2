#pragma once
/// 3GPP TS 23.038 (GSM 03.38) character tables: the default alphabet and its extension table,
/// the Turkish and Portuguese locking shift tables and the Turkish, Spanish and Portuguese
/// single shift tables, plus constexpr reverse lookups (code point -> septet). Private to sms.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "sms/text.hpp"

namespace diskret::sms::gsm7 {

inline constexpr std::uint8_t kEscape = 0x1B;
inline constexpr std::uint8_t kCarriageReturn = 0x0D;

/// 128 code points indexed by septet; 0 marks "no character" (shift tables only).
using Table = std::array<char32_t, 128>;
using Entry = std::pair<std::uint8_t, char32_t>;

namespace table_detail {

constexpr Table patched(Table t, std::initializer_list<Entry> changes) {
  for (const auto& [septet, cp] : changes) t[septet] = cp;
  return t;
}

}  // namespace table_detail

// 6.2.1: the default alphabet (0x1B is the escape to the extension table).
inline constexpr Table kDefault = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'\n', U'Ø', U'ø', U'\r', U'Å', U'å',
    U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', 0x1B, U'Æ', U'æ', U'ß', U'É',
    U' ', U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(', U')', U'*', U'+', U',', U'-', U'.', U'/',
    U'0', U'1', U'2', U'3', U'4', U'5', U'6', U'7', U'8', U'9', U':', U';', U'<', U'=', U'>', U'?',
    U'¡', U'A', U'B', U'C', U'D', U'E', U'F', U'G', U'H', U'I', U'J', U'K', U'L', U'M', U'N', U'O',
    U'P', U'Q', U'R', U'S', U'T', U'U', U'V', U'W', U'X', U'Y', U'Z', U'Ä', U'Ö', U'Ñ', U'Ü', U'§',
    U'¿', U'a', U'b', U'c', U'd', U'e', U'f', U'g', U'h', U'i', U'j', U'k', U'l', U'm', U'n', U'o',
    U'p', U'q', U'r', U's', U't', U'u', U'v', U'w', U'x', U'y', U'z', U'ä', U'ö', U'ñ', U'ü', U'à',
};

// A.3.1: Turkish locking shift table, the default alphabet with eight positions changed.
inline constexpr Table kTurkishLocking = table_detail::patched(
    kDefault, {{0x04, U'€'}, {0x07, U'ı'}, {0x0B, U'Ğ'}, {0x0C, U'ğ'}, {0x1C, U'Ş'}, {0x1D, U'ş'},
               {0x40, U'İ'}, {0x60, U'ç'}});

// A.3.3: Portuguese locking shift table.
inline constexpr Table kPortugueseLocking = table_detail::patched(
    kDefault, {{0x04, U'ê'}, {0x06, U'ú'}, {0x07, U'í'}, {0x08, U'ó'}, {0x09, U'ç'}, {0x0B, U'Ô'},
               {0x0C, U'ô'}, {0x0E, U'Á'}, {0x0F, U'á'}, {0x12, U'ª'}, {0x13, U'Ç'}, {0x14, U'À'},
               {0x15, U'∞'}, {0x16, U'^'}, {0x17, U'\\'}, {0x18, U'€'}, {0x19, U'Ó'}, {0x1A, U'|'},
               {0x1C, U'Â'}, {0x1D, U'â'}, {0x1E, U'Ê'}, {0x24, U'º'}, {0x40, U'Í'}, {0x5B, U'Ã'},
               {0x5C, U'Õ'}, {0x5D, U'Ú'}, {0x60, U'~'}, {0x7B, U'ã'}, {0x7C, U'õ'}, {0x7D, U'`'}});

// 6.2.1.1: the default extension table.
inline constexpr Table kDefaultExtension = table_detail::patched(
    Table{}, {{0x0A, U'\f'}, {0x14, U'^'}, {0x28, U'{'}, {0x29, U'}'}, {0x2F, U'\\'}, {0x3C, U'['},
              {0x3D, U'~'}, {0x3E, U']'}, {0x40, U'|'}, {0x65, U'€'}});

// A.2.1: Turkish single shift table.
inline constexpr Table kTurkishShift = table_detail::patched(
    kDefaultExtension, {{0x47, U'Ğ'}, {0x49, U'İ'}, {0x53, U'Ş'}, {0x63, U'ç'}, {0x67, U'ğ'},
                        {0x69, U'ı'}, {0x73, U'ş'}});

// A.2.2: Spanish single shift table.
inline constexpr Table kSpanishShift = table_detail::patched(
    kDefaultExtension, {{0x09, U'ç'}, {0x41, U'Á'}, {0x49, U'Í'}, {0x4F, U'Ó'}, {0x55, U'Ú'},
                        {0x61, U'á'}, {0x69, U'í'}, {0x6F, U'ó'}, {0x75, U'ú'}});

// A.2.3: Portuguese single shift table.
inline constexpr Table kPortugueseShift = table_detail::patched(
    kDefaultExtension,
    {{0x05, U'ê'}, {0x09, U'ç'}, {0x0B, U'Ô'}, {0x0C, U'ô'}, {0x0E, U'Á'}, {0x0F, U'á'},
     {0x12, U'Φ'}, {0x13, U'Γ'}, {0x15, U'Ω'}, {0x16, U'Π'}, {0x17, U'Ψ'}, {0x18, U'Σ'},
     {0x19, U'Θ'}, {0x1F, U'Ê'}, {0x41, U'À'}, {0x49, U'Í'}, {0x4F, U'Ó'}, {0x55, U'Ú'},
     {0x5B, U'Ã'}, {0x5C, U'Õ'}, {0x61, U'Â'}, {0x69, U'í'}, {0x6F, U'ó'}, {0x75, U'ú'},
     {0x7B, U'ã'}, {0x7C, U'õ'}, {0x7F, U'â'}});

/// Reverse lookup of one table: a direct array below U+0180 (Latin-1 and Latin Extended-A,
/// where almost all characters are) and a short list for the rest (Greek, €, ∞).
class Reverse {
 public:
  constexpr explicit Reverse(const Table& table) {
    for (auto& v : low_) v = -1;
    for (std::size_t septet = 0; septet < table.size(); ++septet) {
      const char32_t cp = table[septet];
      // 0 = empty slot; 0x1B is the escape itself, never a character to encode.
      if (cp == 0 || septet == kEscape) continue;
      if (cp < kLowLimit) {
        if (low_[cp] < 0) low_[cp] = static_cast<std::int8_t>(septet);
      } else {
        high_[high_count_++] = {static_cast<std::uint8_t>(septet), cp};
      }
    }
  }

  /// Septet of `cp`, or -1 when the table does not hold it.
  constexpr int find(char32_t cp) const noexcept {
    if (cp < kLowLimit) return low_[cp];
    for (std::size_t i = 0; i < high_count_; ++i) {
      if (high_[i].second == cp) return high_[i].first;
    }
    return -1;
  }

 private:
  static constexpr char32_t kLowLimit = 0x180;
  std::array<std::int8_t, kLowLimit> low_{};
  std::array<Entry, 24> high_{};
  std::size_t high_count_ = 0;
};

inline constexpr Reverse kDefaultReverse{kDefault};
inline constexpr Reverse kDefaultExtensionReverse{kDefaultExtension};
inline constexpr Reverse kTurkishShiftReverse{kTurkishShift};
inline constexpr Reverse kSpanishShiftReverse{kSpanishShift};
inline constexpr Reverse kPortugueseShiftReverse{kPortugueseShift};

/// Main table in force under a locking shift (Spanish has none: the default applies).
constexpr const Table& locking_table(NationalLanguage lang) noexcept {
  switch (lang) {
    case NationalLanguage::turkish: return kTurkishLocking;
    case NationalLanguage::portuguese: return kPortugueseLocking;
    default: return kDefault;
  }
}

/// Table reached through the escape under a single shift (none = default extension).
constexpr const Table& shift_table(NationalLanguage lang) noexcept {
  switch (lang) {
    case NationalLanguage::turkish: return kTurkishShift;
    case NationalLanguage::spanish: return kSpanishShift;
    case NationalLanguage::portuguese: return kPortugueseShift;
    default: return kDefaultExtension;
  }
}

constexpr const Reverse& shift_reverse(NationalLanguage lang) noexcept {
  switch (lang) {
    case NationalLanguage::turkish: return kTurkishShiftReverse;
    case NationalLanguage::spanish: return kSpanishShiftReverse;
    case NationalLanguage::portuguese: return kPortugueseShiftReverse;
    default: return kDefaultExtensionReverse;
  }
}

/// Septets `cp` costs in the default alphabet plus the single shift table of `lang`
/// (1 = main table, 2 = escape + shift table, 0 = not encodable).
constexpr int septet_cost(char32_t cp, NationalLanguage lang) noexcept {
  if (kDefaultReverse.find(cp) >= 0) return 1;
  return shift_reverse(lang).find(cp) >= 0 ? 2 : 0;
}

/// Cost of every ASCII byte in the default alphabet: the hot path of analyse().
inline constexpr std::array<std::uint8_t, 128> kAsciiCost = [] {
  std::array<std::uint8_t, 128> cost{};
  for (char32_t c = 0; c < 128; ++c) {
    cost[c] = static_cast<std::uint8_t>(septet_cost(c, NationalLanguage::none));
  }
  return cost;
}();

}  // namespace diskret::sms::gsm7

#include "vault/card_number.hpp"

#include <array>
#include <chrono>

#include <fmt/format.h>

namespace diskret::vault {
namespace {

// One IIN range: the first `digits` digits of the PAN, read as a number, in [low, high].
struct IinRange {
  std::uint32_t low;
  std::uint32_t high;
  std::uint8_t digits;
  Brand brand;
};

// Order matters: the more specific ranges inside 6x (Discover, UnionPay) come before
// Maestro's catch-all 56-69, which the rule "Maestro excludes the others" asks for.
constexpr std::array<IinRange, 16> kIinTable{{
    {4, 4, 1, Brand::visa},
    {51, 55, 2, Brand::mastercard},
    {2221, 2720, 4, Brand::mastercard},
    {34, 34, 2, Brand::amex},
    {37, 37, 2, Brand::amex},
    {6011, 6011, 4, Brand::discover},
    {644, 649, 3, Brand::discover},
    {65, 65, 2, Brand::discover},
    {3528, 3589, 4, Brand::jcb},
    {300, 305, 3, Brand::diners},
    {36, 36, 2, Brand::diners},
    {38, 39, 2, Brand::diners},
    {3095, 3095, 4, Brand::diners},
    {62, 62, 2, Brand::unionpay},
    {50, 50, 2, Brand::maestro},
    {56, 69, 2, Brand::maestro},
}};

struct BrandInfo {
  Brand brand;
  std::string_view name;
  std::uint32_t lengths;  // bit n set: n digits allowed
  std::size_t cvc;
};

constexpr std::uint32_t bits(std::initializer_list<int> lengths) {
  std::uint32_t b = 0;
  for (int n : lengths) b |= 1u << n;
  return b;
}
constexpr std::uint32_t span_bits(int from, int to) {
  std::uint32_t b = 0;
  for (int n = from; n <= to; ++n) b |= 1u << n;
  return b;
}

constexpr std::array<BrandInfo, 8> kBrands{{
    {Brand::visa, "visa", bits({13, 16, 19}), 3},
    {Brand::mastercard, "mastercard", bits({16}), 3},
    {Brand::amex, "amex", bits({15}), 4},
    {Brand::discover, "discover", span_bits(16, 19), 3},
    {Brand::jcb, "jcb", span_bits(16, 19), 3},
    {Brand::diners, "diners", span_bits(14, 19), 3},
    {Brand::unionpay, "unionpay", span_bits(16, 19), 3},
    {Brand::maestro, "maestro", span_bits(12, 19), 3},
}};

constexpr std::size_t kMinPan = 12;
constexpr std::size_t kMaxPan = 19;

const BrandInfo& info(Brand brand) { return kBrands[static_cast<std::size_t>(brand)]; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lengths_text(Brand brand) {
  std::string out;
  std::uint32_t l = info(brand).lengths;
  int first = -1;
  for (int n = 0; n <= 20; ++n) {
    bool on = (l >> n) & 1u;
    bool next = (l >> (n + 1)) & 1u;
    if (on && first < 0) first = n;
    if (on && !next) {
      if (!out.empty()) out += ", ";
      out += first == n ? std::to_string(n) : fmt::format("{} to {}", first, n);
      first = -1;
    }
  }
  return out;
}

// Copies the digits into `out`, skipping the spaces and dashes people type between
// groups. Returns the reason when the number is unusable.
std::optional<std::string> normalise_number(std::string_view in, SensitiveDigits& out) {
  bool any = false;
  for (char c : in) {
    if (c == ' ' || c == '-') continue;
    if (!is_digit(c)) return "must contain only digits, spaces and dashes";
    any = true;
    if (!out.push_back(c)) return fmt::format("must have {} to {} digits", kMinPan, kMaxPan);
  }
  if (!any) return "is required";
  if (out.size() < kMinPan || out.size() > kMaxPan) {
    return fmt::format("must have {} to {} digits", kMinPan, kMaxPan);
  }
  return std::nullopt;
}

void check_number(const CardInput& input, ValidCard& card, std::optional<Brand>& brand,
                  CardFieldErrors& errors) {
  auto add = [&](std::string reason) { errors.push_back({"number", std::move(reason)}); };
  if (auto reason = normalise_number(input.number, card.pan)) return add(*reason);
  brand = brand_of(card.pan.view());
  if (!brand) return add("is not from a supported card brand");
  if (!length_allowed(*brand, card.pan.size())) {
    return add(fmt::format("has {} digits; a {} card number has {}", card.pan.size(),
                           brand_name(*brand), lengths_text(*brand)));
  }
  if (!luhn_valid(card.pan.view())) return add("fails the check digit (Luhn)");
}

struct YearMonth {
  int year;
  int month;
};

YearMonth utc_year_month(SystemTime now) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(now)};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month()))};
}

void check_expiry(const CardInput& input, const Clock& clock, ValidCard& card,
                  CardFieldErrors& errors) {
  bool month_ok = false;
  bool year_ok = false;
  if (!input.exp_month) {
    errors.push_back({"exp_month", "is required"});
  } else if (*input.exp_month < 1 || *input.exp_month > 12) {
    errors.push_back({"exp_month", "must be 1 to 12"});
  } else {
    card.exp_month = static_cast<int>(*input.exp_month);
    month_ok = true;
  }
  if (!input.exp_year) {
    errors.push_back({"exp_year", "is required"});
  } else if (*input.exp_year >= 0 && *input.exp_year <= 99) {
    card.exp_year = 2000 + static_cast<int>(*input.exp_year);
    year_ok = true;
  } else if (*input.exp_year >= 2000 && *input.exp_year <= 9999) {
    card.exp_year = static_cast<int>(*input.exp_year);
    year_ok = true;
  } else {
    errors.push_back({"exp_year", "must be a four-digit year"});
  }
  if (!year_ok) return;
  const auto now = utc_year_month(clock.now());
  if (card.exp_year > now.year + kMaxYearsAhead) {
    errors.push_back({"exp_year", fmt::format("must be at most {} years ahead", kMaxYearsAhead)});
  } else if (card.exp_year < now.year) {
    errors.push_back({"exp_year", "the card has expired"});
  } else if (month_ok && is_expired(card.exp_month, card.exp_year, clock.now())) {
    errors.push_back({"exp_month", "the card has expired"});
  }
}

void check_cvc(const CardInput& input, std::optional<Brand> brand, ValidCard& card,
               CardFieldErrors& errors) {
  auto add = [&](std::string reason) { errors.push_back({"cvc", std::move(reason)}); };
  if (input.cvc.empty()) return add("is required");
  for (char c : input.cvc) {
    if (!is_digit(c)) return add("must contain only digits");
    if (!card.cvc.push_back(c)) return add("must have 3 or 4 digits");
  }
  if (brand) {
    const std::size_t want = cvc_length(*brand);
    if (card.cvc.size() != want) {
      return add(fmt::format("must have {} digits for a {} card", want, brand_name(*brand)));
    }
  } else if (card.cvc.size() != 3 && card.cvc.size() != 4) {
    return add("must have 3 or 4 digits");
  }
}

void check_holder(const CardInput& input, ValidCard& card, CardFieldErrors& errors) {
  std::string_view h = input.holder;
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  if (h.empty()) return errors.push_back({"holder", "is required"});
  std::size_t characters = 0;
  for (char c : h) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return errors.push_back({"holder", "must not contain control characters"});
    }
    if ((u & 0xC0) != 0x80) ++characters;  // count UTF-8 lead bytes, not bytes
  }
  if (characters > kMaxHolderLength) {
    return errors.push_back(
        {"holder", fmt::format("must be at most {} characters", kMaxHolderLength)});
  }
  card.holder = std::string(h);
}

}  // namespace

std::string_view brand_name(Brand brand) noexcept { return info(brand).name; }

std::optional<Brand> parse_brand(std::string_view name) noexcept {
  for (const auto& b : kBrands) {
    if (b.name == name) return b.brand;
  }
  return std::nullopt;
}

std::optional<Brand> brand_of(std::string_view digits) noexcept {
  for (const auto& range : kIinTable) {
    if (digits.size() < range.digits) continue;
    std::uint32_t prefix = 0;
    bool ok = true;
    for (std::size_t i = 0; i < range.digits; ++i) {
      if (!is_digit(digits[i])) {
        ok = false;
        break;
      }
      prefix = prefix * 10 + static_cast<std::uint32_t>(digits[i] - '0');
    }
    if (ok && prefix >= range.low && prefix <= range.high) return range.brand;
  }
  return std::nullopt;
}

bool luhn_valid(std::string_view digits) noexcept {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) return false;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool length_allowed(Brand brand, std::size_t length) noexcept {
  return length < 32 && ((info(brand).lengths >> length) & 1u) != 0;
}

std::size_t cvc_length(Brand brand) noexcept { return info(brand).cvc; }

bool is_expired(int exp_month, int exp_year, SystemTime now) noexcept {
  const auto current = utc_year_month(now);
  // A card is valid through the last day of its expiry month.
  return exp_year < current.year || (exp_year == current.year && exp_month < current.month);
}

Expected<ValidCard, CardFieldErrors> validate_card(const CardInput& input, const Clock& clock) {
  ValidCard card;
  CardFieldErrors errors;
  std::optional<Brand> brand;
  check_number(input, card, brand, errors);
  check_expiry(input, clock, card, errors);
  check_cvc(input, brand, card, errors);
  check_holder(input, card, errors);
  if (!errors.empty()) return unexpected(std::move(errors));
  card.brand = *brand;
  return card;
}

}  // namespace diskret::vault

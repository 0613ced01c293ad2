#include "smtp/sasl.hpp"

#include <array>
#include <cstdint>

namespace diskret::smtp {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr auto kTable = make_table();

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::uint32_t acc = 0;
    int pad = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        ++pad;
        acc <<= 6;
        continue;
      }
      auto v = kTable[static_cast<unsigned char>(c)];
      if (v < 0 || pad > 0) return std::nullopt;  // data after padding is malformed
      acc = (acc << 6) | static_cast<std::uint32_t>(v);
    }
    out += static_cast<char>(acc >> 16);
    if (pad < 2) out += static_cast<char>((acc >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(acc & 0xff);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t acc = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) acc |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) acc |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(acc >> 18) & 63];
    out += kAlphabet[(acc >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(acc >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[acc & 63] : '=';
  }
  return out;
}

std::optional<Credentials> parse_plain(std::string_view message) {
  auto first = message.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = message.find('\0', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::string_view authzid = message.substr(0, first);
  std::string_view user = message.substr(first + 1, second - first - 1);
  std::string_view password = message.substr(second + 1);
  if (user.empty() || password.empty() || password.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  if (!authzid.empty() && authzid != user) return std::nullopt;
  return Credentials{std::string(user), std::string(password)};
}

}  // namespace diskret::smtp

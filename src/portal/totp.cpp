#include "portal/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace diskret::portal {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string uri_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string base32_encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '=') continue;
    const char up = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
    const auto pos = kAlphabet.find(up);
    if (pos == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(pos);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::uint32_t hotp(std::string_view key, std::uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
       mac.data(), &mac_len);
  const unsigned offset = mac[mac_len - 1] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulo = 1;
  for (int i = 0; i < digits; ++i) modulo *= 10;
  return binary % modulo;
}

std::uint64_t totp_step(SystemTime now) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return static_cast<std::uint64_t>(seconds / kTotpStepSeconds);
}

std::optional<std::uint64_t> totp_match(std::string_view key, std::string_view code,
                                        SystemTime now, int window) {
  if (code.size() != 6) return std::nullopt;
  std::uint32_t wanted = 0;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
    wanted = wanted * 10 + static_cast<std::uint32_t>(c - '0');
  }
  const std::uint64_t step = totp_step(now);
  for (int d = window; d >= -window; --d) {
    const std::uint64_t s = step + static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
    if (hotp(key, s) == wanted) return s;
  }
  return std::nullopt;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32) {
  return "otpauth://totp/" + uri_escape(issuer) + ":" + uri_escape(account) +
         "?secret=" + std::string(secret_base32) + "&issuer=" + uri_escape(issuer) +
         "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace diskret::portal

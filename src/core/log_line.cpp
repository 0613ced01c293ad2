#include "core/log_line.hpp"

#include <ctime>
#include <vector>

#include <fmt/format.h>

namespace diskret::core {
namespace {

void append_escaped(std::string& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    // Multi-byte UTF-8: copied when well-formed, otherwise each byte as U+FFFD.
    const std::size_t len = c >= 0xf5 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len - 1;
    } else {
      out += "\\ufffd";
    }
  }
  out.push_back('"');
}

bool field_key(std::string_view key) {
  if (key.empty() || key.size() > 32) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return key != "ts" && key != "level" && key != "msg";
}

struct Field {
  std::string_view key, value;
};

}  // namespace

bool plain_token(std::string_view s) noexcept {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:") ==
             std::string_view::npos;
}

std::string json_log_line(std::chrono::system_clock::time_point at, std::string_view level,
                          std::string_view message) {
  // Trailing key=value words become fields; the rest stays the message.
  std::vector<Field> fields;
  std::string_view text = message;
  while (!text.empty()) {
    const std::size_t space = text.rfind(' ');
    const std::string_view word = space == std::string_view::npos ? text : text.substr(space + 1);
    const std::size_t eq = word.find('=');
    if (eq == std::string_view::npos || eq + 1 == word.size() || !field_key(word.substr(0, eq))) break;
    fields.push_back({word.substr(0, eq), word.substr(eq + 1)});
    text = space == std::string_view::npos ? std::string_view{} : text.substr(0, space);
  }
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::string out;
  out.reserve(64 + message.size() + 8 * fields.size());
  out += fmt::format("{{\"ts\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",\"level\":",
                     utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                     utc.tm_sec, since_epoch.count() % 1000);
  append_escaped(out, level);
  out += ",\"msg\":";
  append_escaped(out, text);
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    out.push_back(',');
    append_escaped(out, it->key);
    out.push_back(':');
    append_escaped(out, it->value);
  }
  out += "}\n";
  return out;
}

}  // namespace diskret::core

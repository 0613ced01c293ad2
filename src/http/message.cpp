#include "http/message.hpp"

#include <algorithm>
#include <cctype>

namespace diskret::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Calls f(raw_name, raw_value) for every `name[=value]` pair of a query string.
template <class F>
void for_each_pair(std::string_view query, F&& f) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      if (f(pair, std::string_view{})) return;
    } else if (f(pair.substr(0, eq), pair.substr(eq + 1))) {
      return;
    }
  }
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

std::string Request::query_param(std::string_view name) const {
  std::string result;
  std::string decoded_name;
  for_each_pair(query, [&](std::string_view k, std::string_view v) {
    if (!percent_decode(k, decoded_name, true) || decoded_name != name) return false;
    // A malformed escape yields the empty value: callers validate non-empty values anyway.
    if (!percent_decode(v, result, true)) result.clear();
    return true;
  });
  return result;
}

bool Request::has_query_param(std::string_view name) const {
  bool found = false;
  std::string decoded_name;
  for_each_pair(query, [&](std::string_view k, std::string_view) {
    found = percent_decode(k, decoded_name, true) && decoded_name == name;
    return found;
  });
  return found;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace diskret::http

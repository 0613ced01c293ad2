#include "smsc_sim/control_params.hpp"

#include <boost/json.hpp>
#include <cctype>

namespace diskret::smsc_sim {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Expected<std::string> decode_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      const bool complete = i + 2 < s.size();
      const int hi = complete ? hex_value(s[i + 1]) : -1;
      const int lo = complete ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return fail(Errc::invalid_argument, "bad percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < needle.size() && same; ++j) {
      same = std::tolower(static_cast<unsigned char>(haystack[i + j])) == needle[j];
    }
    if (same) return true;
  }
  return false;
}

Expected<void> append_json(Params& out, std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return fail(Errc::invalid_argument, "body must be a JSON object");
  for (const auto& [key, value] : v.as_object()) {
    std::string name(key);
    if (value.is_string()) {
      out.emplace_back(std::move(name), std::string(value.as_string()));
    } else if (value.is_int64() || value.is_uint64() || value.is_double()) {
      out.emplace_back(std::move(name), boost::json::serialize(value));
    } else if (value.is_bool()) {
      out.emplace_back(std::move(name), value.as_bool() ? "true" : "false");
    } else if (!value.is_null()) {
      return fail(Errc::invalid_argument, "JSON field " + name + " must be a string or number");
    }
  }
  return {};
}

}  // namespace

Expected<Params> parse_form(std::string_view text) {
  Params params;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = decode_component(pair.substr(0, eq));
    auto value = decode_component(eq == std::string_view::npos ? std::string_view{}
                                                               : pair.substr(eq + 1));
    if (!name) return unexpected(name.error());
    if (!value) return unexpected(value.error());
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

Expected<Params> parse_control_params(std::string_view query, std::string_view content_type,
                                      std::string_view body) {
  auto params = parse_form(query);
  if (!params) return params;
  const bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank) return params;
  if (contains_ci(content_type, "x-www-form-urlencoded")) {
    auto form = parse_form(body);
    if (!form) return form;
    params->insert(params->end(), form->begin(), form->end());
  } else {
    // JSON is the default: curl -d without a content type still works.
    auto ok = append_json(*params, body);
    if (!ok) return unexpected(ok.error());
  }
  return params;
}

std::optional<std::string> find_param(const Params& params, std::string_view name) {
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return std::nullopt;
}

}  // namespace diskret::smsc_sim

#include "config/reader.hpp"

#include <cctype>
#include <charconv>

namespace diskret::config {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string range_reason(std::int64_t min, std::int64_t max) {
  return "must be " + std::to_string(min) + ".." + std::to_string(max);
}

}  // namespace

Reader::Reader(const toml::table* table, std::string where, std::string env_prefix,
               const Environment& env, Problems& problems)
    : table_(table), where_(std::move(where)), env_prefix_(std::move(env_prefix)), env_(env),
      problems_(problems) {}

std::string Reader::file_name(std::string_view key) const { return where_ + "." + std::string(key); }
std::string Reader::env_name(std::string_view key) const { return env_prefix_ + upper(key); }

const std::string* Reader::env_value(std::string_view key) {
  known_.emplace(key);
  auto name = env_name(key);
  const std::string* found = nullptr;
  // The last definition wins, as in a shell.
  for (const auto& [k, v] : env_) {
    if (k == name) found = &v;
  }
  if (found) problems_.env_used.insert(name);
  return found;
}

void Reader::string(std::string_view key, std::string& out, const Check<std::string>& check) {
  std::optional<std::string> value;
  optional_string(key, value, check);
  if (value) out = std::move(*value);
}

void Reader::optional_string(std::string_view key, std::optional<std::string>& out,
                             const Check<std::string>& check) {
  std::string name;
  if (const auto* env = env_value(key)) {
    out = *env;
    name = env_name(key);
  } else if (table_ != nullptr && table_->contains(key)) {
    name = file_name(key);
    auto v = (*table_)[key].value<std::string>();
    if (!(*table_)[key].is_string() || !v) return bad(name, "must be a string");
    out = std::move(*v);
  } else {
    return;
  }
  if (check) {
    if (auto reason = check(*out)) bad(name, *reason);
  }
}

void Reader::boolean(std::string_view key, bool& out) {
  if (const auto* env = env_value(key)) {
    if (*env == "true" || *env == "1" || *env == "yes") {
      out = true;
    } else if (*env == "false" || *env == "0" || *env == "no") {
      out = false;
    } else {
      bad(env_name(key), "must be true or false");
    }
  } else if (table_ != nullptr && table_->contains(key)) {
    auto node = (*table_)[key];
    if (!node.is_boolean()) return bad(file_name(key), "must be true or false");
    out = *node.value<bool>();
  }
}

void Reader::integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  std::optional<std::int64_t> value;
  std::string name;
  if (const auto* env = env_value(key)) {
    name = env_name(key);
    value = to_int(*env);
    if (!value) return bad(name, "must be an integer");
  } else if (table_ != nullptr && table_->contains(key)) {
    name = file_name(key);
    auto node = (*table_)[key];
    if (!node.is_integer()) return bad(name, "must be an integer");
    value = node.value<std::int64_t>();
  } else {
    return;
  }
  if (*value < min || *value > max) return bad(name, range_reason(min, max));
  out = *value;
}

void Reader::strings(std::string_view key, std::vector<std::string>& out,
                     const Check<std::string>& each) {
  std::string name;
  std::vector<std::string> values;
  if (const auto* env = env_value(key)) {
    name = env_name(key);
    std::string_view rest = *env;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) values.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  } else if (table_ != nullptr && table_->contains(key)) {
    name = file_name(key);
    const auto* array = (*table_)[key].as_array();
    if (array == nullptr) return bad(name, "must be an array of strings");
    for (const auto& item : *array) {
      if (!item.is_string()) return bad(name, "must be an array of strings");
      values.push_back(*item.value<std::string>());
    }
  } else {
    return;
  }
  if (each) {
    for (const auto& v : values) {
      if (auto reason = each(v)) return bad(name, *reason);
    }
  }
  out = std::move(values);
}

void Reader::reject_unknown_keys() {
  if (table_ == nullptr) return;
  for (const auto& [k, v] : *table_) {
    if (!known_.contains(k.str())) bad(file_name(k.str()), "unknown key");
  }
}

}  // namespace diskret::config

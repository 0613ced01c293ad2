#pragma once
/// Reads the keys of one config section from a TOML table or its DISKRET_* environment
/// overrides, type-checked and range-checked, and reports keys nobody asked for.
/// Internal to the config module.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/config.hpp"

namespace diskret::config {

/// A rule on a value: nullopt when fine, else the reason ("must be 1..10000").
template <class T>
using Check = std::function<std::optional<std::string>(const T&)>;

/// The first problem found while reading; later ones are ignored (one clear line).
struct Problems {
  std::optional<std::string> first;
  std::set<std::string> env_used;  ///< environment variables that matched a key
  void add(std::string message) {
    if (!first) first = std::move(message);
  }
};

class Reader {
 public:
  /// `where` is how the file location is written ("diskret.toml: [smsc][0]"); `env_prefix`
  /// the variable prefix of this section ("DISKRET_SMSC_0_").
  Reader(const toml::table* table, std::string where, std::string env_prefix,
         const Environment& env, Problems& problems);

  void string(std::string_view key, std::string& out, const Check<std::string>& check = {});
  /// Like string(), but remembers whether the key was given at all.
  void optional_string(std::string_view key, std::optional<std::string>& out,
                       const Check<std::string>& check = {});
  void boolean(std::string_view key, bool& out);
  void integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  /// Arrays of strings; in the environment a comma-separated list.
  void strings(std::string_view key, std::vector<std::string>& out,
               const Check<std::string>& each = {});

  template <class T>
  void number(std::string_view key, T& out, std::int64_t min, std::int64_t max) {
    std::int64_t v = static_cast<std::int64_t>(out);
    integer(key, v, min, max);
    out = static_cast<T>(v);
  }

  /// Reports every key in the table that no read asked for.
  void reject_unknown_keys();

 private:
  /// The environment override for key, if any (marks it used).
  const std::string* env_value(std::string_view key);
  std::string file_name(std::string_view key) const;
  std::string env_name(std::string_view key) const;
  void bad(std::string name, std::string_view reason) { problems_.add(name + ": " + std::string(reason)); }

  const toml::table* table_;
  std::string where_;
  std::string env_prefix_;
  const Environment& env_;
  Problems& problems_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace diskret::config

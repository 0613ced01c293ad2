#include "vault/config.hpp"

#include <unistd.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <toml++/toml.h>

extern char** environ;

namespace diskret::vault {
namespace {

using Check = std::function<std::optional<std::string>(const std::string&)>;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Reads the keys of one section from the table or the environment and remembers which
// keys were asked for, so the rest can be reported as unknown.
class SectionReader {
 public:
  SectionReader(const toml::table* table, std::string where, std::string env_prefix,
                const VaultEnvironment& env, std::optional<std::string>& problem,
                std::set<std::string>& env_used)
      : table_(table), where_(std::move(where)), prefix_(std::move(env_prefix)), env_(env),
        problem_(problem), env_used_(env_used) {}

  void string(std::string_view key, std::string& out, const Check& check = {}) {
    known_.emplace(key);
    std::string name;
    if (const auto* v = env_value(key)) {
      name = prefix_ + upper(key);
      out = *v;
    } else if (table_ != nullptr && table_->contains(key)) {
      name = where_ + "." + std::string(key);
      auto text = (*table_)[key].value<std::string>();
      if (!(*table_)[key].is_string() || !text) return bad(name, "must be a string");
      out = *text;
    } else {
      return;
    }
    if (check) {
      if (auto why = check(out)) bad(name, *why);
    }
  }

  void integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
    known_.emplace(key);
    std::string name;
    std::int64_t value = 0;
    if (const auto* v = env_value(key)) {
      name = prefix_ + upper(key);
      auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
      if (v->empty() || ec != std::errc{} || p != v->data() + v->size()) return bad(name, "must be an integer");
    } else if (table_ != nullptr && table_->contains(key)) {
      name = where_ + "." + std::string(key);
      if (!(*table_)[key].is_integer()) return bad(name, "must be an integer");
      value = *(*table_)[key].value<std::int64_t>();
    } else {
      return;
    }
    if (value < min || value > max) {
      return bad(name, "must be " + std::to_string(min) + ".." + std::to_string(max));
    }
    out = value;
  }

  void reject_unknown_keys() {
    if (table_ == nullptr) return;
    for (const auto& [k, v] : *table_) {
      if (!known_.contains(std::string(k.str()))) bad(where_ + "." + std::string(k.str()), "unknown key");
    }
  }

 private:
  const std::string* env_value(std::string_view key) {
    const std::string name = prefix_ + upper(key);
    const std::string* found = nullptr;
    for (const auto& [k, v] : env_) {
      if (k == name) found = &v;  // the last definition wins, as in a shell
    }
    if (found != nullptr) env_used_.insert(name);
    return found;
  }
  void bad(const std::string& name, std::string_view why) {
    if (!problem_) problem_ = name + ": " + std::string(why);
  }

  const toml::table* table_;
  std::string where_;
  std::string prefix_;
  const VaultEnvironment& env_;
  std::optional<std::string>& problem_;
  std::set<std::string>& env_used_;
  std::set<std::string> known_;
};

std::optional<std::string> not_empty(const std::string& s) {
  if (s.empty()) return "must not be empty";
  return std::nullopt;
}

std::optional<std::string> listen_address(const std::string& s) {
  auto colon = s.rfind(':');
  unsigned port = 0;
  if (colon == std::string::npos || colon == 0) return "must be HOST:PORT";
  auto digits = std::string_view(s).substr(colon + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size() || port > 65535) {
    return "must be HOST:PORT with a port 0..65535";
  }
  return std::nullopt;
}

std::optional<std::string> origin(const std::string& s) {
  if (!valid_origin(s)) return "must be an origin such as https://portal.example.com (no path)";
  return std::nullopt;
}

std::string join(const std::string& dir, std::string_view file) {
  return (std::filesystem::path(dir) / file).string();
}

}  // namespace

std::filesystem::path VaultConfig::database_file() const {
  return std::filesystem::path(data_dir) / "vault.db";
}

bool valid_origin(std::string_view o) noexcept {
  std::string_view rest;
  if (o.substr(0, 7) == "http://") {
    rest = o.substr(7);
  } else if (o.substr(0, 8) == "https://") {
    rest = o.substr(8);
  } else {
    return false;
  }
  if (rest.empty()) return false;
  for (char c : rest) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                    c == ':' || c == '[' || c == ']';
    if (!ok) return false;  // no path, query, userinfo, spaces or quotes
  }
  return true;
}

VaultEnvironment vault_environment() {
  VaultEnvironment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.rfind("DISKRET_VAULT_", 0) != 0) continue;
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

Expected<VaultConfig> parse_vault_config(std::string_view toml_text, std::string_view source,
                                         const VaultEnvironment& env) {
  const std::string where(source);
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return fail(diskret::Errc::invalid_argument,
                where + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
                    std::string(e.description()));
  }
  std::optional<std::string> problem;
  std::set<std::string> env_used;
  static const std::set<std::string> kSections{"server", "keys", "vault"};
  for (const auto& [k, v] : root) {
    const std::string name(k.str());
    if (!kSections.contains(name)) {
      if (!problem) problem = where + ": [" + name + "]: unknown section";
    } else if (!v.is_table() && !problem) {
      problem = where + ": [" + name + "]: must be a table";
    }
  }
  auto section = [&](std::string_view name) {
    return SectionReader(root[name].as_table(), where + ": [" + std::string(name) + "]",
                         "DISKRET_VAULT_" + upper(name) + "_", env, problem, env_used);
  };
  VaultConfig c;
  {
    auto r = section("server");
    r.string("data_dir", c.data_dir, not_empty);
    r.string("http_listen", c.http_listen, listen_address);
    r.reject_unknown_keys();
  }
  {
    auto r = section("keys");
    r.string("master_key_file", c.master_key_file, not_empty);
    r.reject_unknown_keys();
  }
  {
    auto r = section("vault");
    r.string("portal_origin", c.portal_origin, origin);
    r.string("service_secret_file", c.service_secret_file, not_empty);
    r.integer("card_rate_per_minute", c.card_rate_per_minute, 1, 100'000);
    r.integer("card_rate_burst", c.card_rate_burst, 1, 100'000);
    r.reject_unknown_keys();
  }
  if (c.master_key_file.empty()) c.master_key_file = join(c.data_dir, "master.key");
  if (c.service_secret_file.empty()) c.service_secret_file = join(c.data_dir, "vault.secret");
  for (const auto& [name, value] : env) {
    if (!env_used.contains(name) && !problem) problem = name + ": unknown setting";
  }
  if (problem) return fail(diskret::Errc::invalid_argument, *problem);
  return c;
}

Expected<VaultConfig> load_vault_config(const std::optional<std::filesystem::path>& file,
                                        const VaultEnvironment& env) {
  if (!file) return parse_vault_config("", "defaults", env);
  std::ifstream in(*file, std::ios::binary);
  if (!in) return fail(diskret::Errc::not_found, "cannot read config file " + file->string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_vault_config(text.str(), file->filename().string(), env);
}

}  // namespace diskret::vault

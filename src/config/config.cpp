#include "config/config.hpp"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "config/reader.hpp"
#include "sms/sender_id.hpp"

extern char** environ;

namespace diskret::config {
namespace {

using Reason = std::optional<std::string>;

Reason check_listen(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == v.size()) return "must be host:port";
  auto port = v.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535) {
    return "port must be 0..65535";
  }
  return std::nullopt;
}

Reason check_not_empty(const std::string& v) {
  if (v.empty()) return "must not be empty";
  return std::nullopt;
}

// "DE=9": an ISO 3166 region, '=', euro cents per segment (0..100000).
Reason check_country_price(const std::string& v) {
  const bool region = v.size() > 3 && v[2] == '=' && std::isupper(static_cast<unsigned char>(v[0])) &&
                      std::isupper(static_cast<unsigned char>(v[1]));
  bool digits = region && v.size() <= 9;
  for (std::size_t i = 3; digits && i < v.size(); ++i) {
    digits = std::isdigit(static_cast<unsigned char>(v[i])) != 0;
  }
  if (!digits || std::stol(v.substr(3)) > 100'000) {
    return "entries must look like \"DE=9\" (region = cents per segment, 0..100000)";
  }
  return std::nullopt;
}

Reason check_store_url(const std::string& v) {
  if (v.rfind("sqlite:", 0) == 0 && v.size() > 7) return std::nullopt;
  if (v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0) return std::nullopt;
  return "must be sqlite:<path> or postgresql://user@host:port/db";
}

Reason check_http_url(const std::string& v) {
  if (v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0) return std::nullopt;
  return "must be an http:// or https:// URL";
}

Check<std::string> one_of(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const std::string& v) -> Reason {
    for (const auto& a : allowed) {
      if (v == a) return std::nullopt;
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : "|") + a;
    return "must be " + list;
  };
}

Check<std::string> max_length(std::size_t n) {
  return [n](const std::string& v) -> Reason {
    if (v.size() > n) return "must be at most " + std::to_string(n) + " characters";
    return std::nullopt;
  };
}

Reason check_prefix(const std::string& v) {
  if (v.size() < 2 || v.size() > 16 || v[0] != '+' ||
      v.find_first_not_of("0123456789", 1) != std::string::npos) {
    return "entries must be E.164 prefixes like \"+49\"";
  }
  return std::nullopt;
}

Reason check_sender(const std::string& v) {
  if (!sms::SenderId::parse(v)) {
    return "must be a sender id: up to 11 letters/digits, 3-8 digits or +E.164";
  }
  return std::nullopt;
}

std::string join_path(const std::string& dir, const char* file) {
  return (std::filesystem::path(dir) / file).string();
}

void read_milliseconds(Reader& r, std::string_view key, std::chrono::milliseconds& out,
                       std::int64_t min, std::int64_t max) {
  std::int64_t v = out.count();
  r.integer(key, v, min, max);
  out = std::chrono::milliseconds(v);
}

void read_api(Reader& r, ApiSection& api) {
  r.number("max_recipients", api.max_recipients, 1, 10'000);
  r.number("max_body_bytes", api.max_body_bytes, 1024, 64 * 1024 * 1024);
  r.number("max_upload_bytes", api.max_upload_bytes, 1024, 1024 * 1024 * 1024);
  r.number("max_header_bytes", api.max_header_bytes, 1024, 1024 * 1024);
  read_milliseconds(r, "read_timeout_ms", api.read_timeout, 100, 3'600'000);
  read_milliseconds(r, "idle_timeout_ms", api.idle_timeout, 100, 3'600'000);
  r.number("max_connections", api.max_connections, 1, 1'000'000);
}

void read_smsc(Reader& r, carrier::CarrierConfig& c) {
  r.string("name", c.name, check_not_empty);
  r.string("host", c.host, check_not_empty);
  r.number("port", c.port, 1, 65535);
  // SMPP 3.4 field sizes (without the terminating NUL).
  r.string("system_id", c.system_id, max_length(15));
  r.string("password", c.password, max_length(8));
  r.string("system_type", c.system_type, max_length(12));
  r.number("binds", c.binds, 1, 64);
  r.number("window", c.window, 1, 10'000);
  r.number("tps", c.tps, 0, 100'000);
  r.strings("prefixes", c.prefixes, check_prefix);
  std::string packing = c.gsm_packing == sms::GsmPacking::packed ? "packed" : "unpacked";
  r.string("gsm_packing", packing, one_of({"unpacked", "packed"}));
  c.gsm_packing = packing == "packed" ? sms::GsmPacking::packed : sms::GsmPacking::unpacked;
  std::string long_messages = "udh";
  if (c.long_messages == sms::Concatenation::udh16) long_messages = "udh16";
  if (c.long_messages == sms::Concatenation::payload) long_messages = "payload";
  r.string("long_messages", long_messages, one_of({"udh", "udh16", "payload"}));
  c.long_messages = long_messages == "payload" ? sms::Concatenation::payload
                    : long_messages == "udh16" ? sms::Concatenation::udh16
                                               : sms::Concatenation::udh8;
  std::vector<std::string> languages;
  r.strings("national_languages", languages, one_of({"turkish", "spanish", "portuguese"}));
  if (!languages.empty()) c.national_languages.clear();
  for (const auto& l : languages) {
    c.national_languages.push_back(l == "turkish"   ? sms::NationalLanguage::turkish
                                   : l == "spanish" ? sms::NationalLanguage::spanish
                                                    : sms::NationalLanguage::portuguese);
  }
  read_milliseconds(r, "enquire_link_interval_ms", c.enquire_link_interval, 1'000, 3'600'000);
  read_milliseconds(r, "response_timeout_ms", c.response_timeout, 100, 600'000);
  read_milliseconds(r, "reconnect_min_ms", c.reconnect_min, 10, 600'000);
  read_milliseconds(r, "reconnect_max_ms", c.reconnect_max, 10, 3'600'000);
  read_milliseconds(r, "throttle_backoff_ms", c.throttle_backoff, 10, 600'000);
  r.boolean("tls", c.tls);
  r.string("tls_ca_file", c.tls_ca_file);
  r.boolean("tls_verify", c.tls_verify);
}

const toml::table* section_table(const toml::table& root, std::string_view name,
                                 const std::string& where, Problems& problems) {
  if (!root.contains(name)) return nullptr;
  const auto* t = root[name].as_table();
  if (t == nullptr) problems.add(where + ": [" + std::string(name) + "] must be a table");
  return t;
}

/// The [[smsc]] array, then DISKRET_SMSC_<n>_<KEY> overrides (n may be one past the end
/// to add a carrier).
void read_carriers(const toml::table& root, const std::string& where, const Environment& env,
                   Problems& problems, std::vector<carrier::CarrierConfig>& out) {
  std::vector<const toml::table*> tables;
  if (root.contains("smsc")) {
    const auto* array = root["smsc"].as_array();
    if (array == nullptr) return problems.add(where + ": [[smsc]] must be an array of tables");
    for (const auto& node : *array) {
      if (!node.is_table()) return problems.add(where + ": [[smsc]] must be an array of tables");
      tables.push_back(node.as_table());
    }
  }
  if (tables.empty()) tables.push_back(nullptr);  // the default carrier
  for (const auto& [name, value] : env) {
    if (name.rfind("DISKRET_SMSC_", 0) != 0) continue;
    auto index = name.substr(13, name.find('_', 13) - 13);
    if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos ||
        index.size() > 3) {
      continue;  // reported as unknown later
    }
    if (std::stoul(index) == tables.size()) tables.push_back(nullptr);
  }
  out.clear();
  std::set<std::string> names;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    carrier::CarrierConfig c;
    if (i > 0) c.name = "carrier-" + std::to_string(i + 1);
    Reader r(tables[i], where + ": [smsc][" + std::to_string(i) + "]",
             "DISKRET_SMSC_" + std::to_string(i) + "_", env, problems);
    read_smsc(r, c);
    r.reject_unknown_keys();
    if (c.reconnect_min > c.reconnect_max) {
      problems.add(where + ": [smsc][" + std::to_string(i) + "].reconnect_min_ms: must not exceed reconnect_max_ms");
    }
    if (!names.insert(c.name).second) {
      problems.add(where + ": [smsc][" + std::to_string(i) + "].name: \"" + c.name + "\" is used twice");
    }
    out.push_back(std::move(c));
  }
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.rfind("DISKRET_", 0) != 0) continue;
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

Expected<Config> parse(std::string_view toml_text, std::string_view source, const Environment& env) {
  const std::string where(source);
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    return fail(Errc::invalid_argument, where + ":" + std::to_string(at.line) + ":" +
                                            std::to_string(at.column) + ": " +
                                            std::string(e.description()));
  }
  static const std::set<std::string, std::less<>> kSections{
      "server", "store", "keys", "billing", "api", "tls", "pipeline", "smtp", "webhooks", "campaigns", "links",
      "portal", "limits", "security", "log", "smsc"};
  Problems problems;
  for (const auto& [k, v] : root) {
    if (!kSections.contains(k.str())) problems.add(where + ": [" + std::string(k.str()) + "]: unknown section");
  }

  Config config;
  auto section = [&](std::string_view name) {
    std::string prefix = "DISKRET_";
    for (char c : name) prefix.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return Reader(section_table(root, name, where, problems),
                  where + ": [" + std::string(name) + "]", prefix + "_", env, problems);
  };
  {
    auto r = section("server");
    r.string("data_dir", config.server.data_dir, check_not_empty);
    r.string("http_listen", config.server.http_listen, check_listen);
    r.string("smtp_listen", config.server.smtp_listen, check_listen);
    r.string("smpp_listen", config.server.smpp_listen, check_listen);
    const auto optional_listen = [](const std::string& v) -> Reason {
      return v.empty() ? std::nullopt : check_listen(v);
    };
    r.string("smpps_listen", config.server.smpps_listen, optional_listen);
    r.string("https_listen", config.server.https_listen, optional_listen);
    r.string("sms_domain", config.server.sms_domain, check_not_empty);
    r.reject_unknown_keys();
  }
  const std::string& dir = config.server.data_dir;
  {
    auto r = section("store");
    std::optional<std::string> url;
    r.optional_string("url", url, check_store_url);
    config.store.url = url ? *url : "sqlite:" + join_path(dir, "diskret.db");
    r.integer("node_lease_s", config.store.node_lease_s, 3, 3600);
    r.reject_unknown_keys();
  }
  {
    auto r = section("keys");
    std::optional<std::string> file;
    r.optional_string("master_key_file", file, check_not_empty);
    config.keys.master_key_file = file ? *file : join_path(dir, "master.key");
    r.reject_unknown_keys();
  }
  {
    auto r = section("billing");
    r.boolean("enabled", config.billing.enabled);
    r.string("vault_url", config.billing.vault_url, check_http_url);
    std::optional<std::string> file;
    r.optional_string("vault_secret_file", file, check_not_empty);
    config.billing.vault_secret_file = file ? *file : join_path(dir, "vault.secret");
    r.integer("price_cents_per_segment", config.billing.price_cents_per_segment, 0, 100'000);
    r.strings("country_prices", config.billing.country_prices, check_country_price);
    r.integer("low_balance_cents", config.billing.low_balance_cents, 0, 1'000'000'000);
    r.reject_unknown_keys();
  }
  {
    auto r = section("api");
    read_api(r, config.api);
    r.reject_unknown_keys();
  }
  {
    auto r = section("tls");
    r.string("cert_file", config.tls.cert_file);
    r.string("key_file", config.tls.key_file);
    r.string("min_version", config.tls.min_version, one_of({"1.2", "1.3"}));
    if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
      problems.add(where + ": [tls].key_file: cert_file and key_file go together");
    }
    r.reject_unknown_keys();
  }
  for (const auto& [key, value] : {std::pair{"smpps_listen", config.server.smpps_listen},
                                    std::pair{"https_listen", config.server.https_listen}}) {
    if (!value.empty() && config.tls.cert_file.empty()) {
      problems.add(where + ": [server]." + key + ": needs [tls] cert_file and key_file");
    }
  }
  {
    auto r = section("pipeline");
    r.number("max_in_flight", config.pipeline.max_in_flight, 0, 1'000'000);
    r.number("memory_queue", config.pipeline.memory_queue, 1'000, 10'000'000);
    r.number("max_queued_messages", config.pipeline.max_queued_messages, 10'000, 100'000'000);
    r.number("max_commit_messages", config.pipeline.max_commit_messages, 10'000, 1'000'000);
    r.reject_unknown_keys();
  }
  {
    auto r = section("smtp");
    r.string("default_sender", config.smtp.default_sender, check_sender);
    r.string("tls_cert_file", config.smtp.tls_cert_file);
    r.string("tls_key_file", config.smtp.tls_key_file);
    if (config.smtp.tls_cert_file.empty() != config.smtp.tls_key_file.empty()) {
      problems.add(where + ": [smtp].tls_key_file: tls_cert_file and tls_key_file go together");
    }
    r.string("relay_host", config.smtp.relay_host);
    r.number("relay_port", config.smtp.relay_port, 1, 65535);
    r.string("bounce_from", config.smtp.bounce_from, [](const std::string& v) -> Reason {
      if (v.empty() || (v.find('@') != std::string::npos &&
                        v.find_first_of(" <>\r\n") == std::string::npos)) {
        return std::nullopt;
      }
      return "must be a mail address like MAILER-DAEMON@sms.example.com";
    });
    r.strings("bounce_tenants", config.smtp.bounce_tenants, check_not_empty);
    if (!config.smtp.bounce_tenants.empty() && config.smtp.relay_host.empty()) {
      problems.add(where + ": [smtp].bounce_tenants: needs relay_host");
    }
    r.reject_unknown_keys();
    if (config.smtp.bounce_from.empty()) {
      config.smtp.bounce_from = "MAILER-DAEMON@" + config.server.sms_domain;
    }
    // One certificate for every listener unless SMTP names its own.
    if (config.smtp.tls_cert_file.empty() && config.smtp.tls_key_file.empty()) {
      config.smtp.tls_cert_file = config.tls.cert_file;
      config.smtp.tls_key_file = config.tls.key_file;
    }
  }
  {
    auto r = section("webhooks");
    r.boolean("allow_private_hosts", config.webhooks.allow_private_hosts);
    r.reject_unknown_keys();
  }
  {
    auto r = section("campaigns");
    // "HH:MM-HH:MM" over midnight (quiet from, quiet until) or "off".
    r.string("quiet_hours", config.campaigns.quiet_hours, [](const std::string& v) -> Reason {
      if (v == "off") return std::nullopt;
      const bool shape = v.size() == 11 && v[2] == ':' && v[5] == '-' && v[8] == ':';
      const auto num = [&](std::size_t i) { return (v[i] - '0') * 10 + (v[i + 1] - '0'); };
      bool digits = shape;
      for (std::size_t i : {0u, 1u, 3u, 4u, 6u, 7u, 9u, 10u}) {
        digits = digits && v[i] >= '0' && v[i] <= '9';
      }
      if (!digits || num(0) > 23 || num(3) > 59 || num(6) > 23 || num(9) > 59 ||
          num(6) * 60 + num(9) >= num(0) * 60 + num(3)) {
        return "must be \"off\" or HH:MM-HH:MM over midnight, e.g. \"20:00-08:00\"";
      }
      return std::nullopt;
    });
    r.boolean("quiet_sundays", config.campaigns.quiet_sundays);
    r.strings("holidays", config.campaigns.holidays, [](const std::string& v) -> Reason {
      const bool region = v.size() == 13 && v[2] == ':' &&
                          std::isupper(static_cast<unsigned char>(v[0])) &&
                          std::isupper(static_cast<unsigned char>(v[1]));
      const bool everyone = v.size() == 12 && v[0] == '*' && v[1] == ':';
      if (!region && !everyone) return "entries look like \"DE:2026-12-25\" or \"*:2027-01-01\"";
      return std::nullopt;  // the dates themselves are checked by campaigns::parse_holidays
    });
    r.reject_unknown_keys();
  }
  {
    auto r = section("links");
    r.string("domain", config.links.domain, [](const std::string& v) -> Reason {
      const bool ok = v.empty() || (v.size() <= 253 && v.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyz0123456789.-:") == std::string::npos);
      if (!ok) return "must be a lowercase host name like \"sms.example.com\" (port allowed)";
      return std::nullopt;
    });
    r.integer("ttl_days", config.links.ttl_days, 1, 3650);
    r.reject_unknown_keys();
  }
  {
    auto r = section("portal");
    r.string("dir", config.portal.dir);
    r.boolean("tls", config.portal.tls);
    r.integer("session_idle_minutes", config.portal.session_idle_minutes, 1, 24 * 60);
    r.integer("session_hours", config.portal.session_hours, 1, 24 * 30);
    r.reject_unknown_keys();
  }
  {
    auto r = section("limits");
    auto& l = config.limits;
    for (auto [key, value] : {std::pair{"key_per_second", &l.key_per_second},
                              std::pair{"key_burst", &l.key_burst},
                              std::pair{"ip_per_second", &l.ip_per_second},
                              std::pair{"ip_burst", &l.ip_burst},
                              std::pair{"auth_failures_per_second", &l.auth_failures_per_second},
                              std::pair{"auth_failures_burst", &l.auth_failures_burst}}) {
      r.integer(key, *value, 0, 1'000'000);
    }
    r.integer("http_connections_per_ip", l.http_connections_per_ip, 0, 1'000'000);
    r.integer("smtp_connections_per_ip", l.smtp_connections_per_ip, 0, 100'000);
    r.integer("smpp_connections_per_ip", l.smpp_connections_per_ip, 0, 100'000);
    read_milliseconds(r, "smpp_bind_timeout_ms", l.smpp_bind_timeout, 1'000, 3'600'000);
    r.reject_unknown_keys();
  }
  {
    auto r = section("security");
    r.strings("contact", config.security.contact, [](const std::string& v) -> Reason {
      if (v.starts_with("mailto:") || v.starts_with("https://") || v.starts_with("tel:")) {
        if (v.find_first_of("\r\n") == std::string::npos) return std::nullopt;
      }
      return "entries are mailto:, https:// or tel: URIs";
    });
    r.string("expires", config.security.expires, [](const std::string& v) -> Reason {
      const bool ok = v.empty() || (v.size() >= 20 && v[4] == '-' && v[7] == '-' && v[10] == 'T' &&
                                    v.find_first_of("\r\n") == std::string::npos);
      if (!ok) return "must be an RFC 3339 time like \"2027-06-30T00:00:00Z\"";
      return std::nullopt;
    });
    r.string("policy", config.security.policy, [](const std::string& v) -> Reason {
      if (v.empty() || (v.starts_with("https://") && v.find_first_of("\r\n") == std::string::npos)) {
        return std::nullopt;
      }
      return "must be an https:// URL";
    });
    r.integer("pumping_prefix_digits", config.security.pumping_prefix_digits, 1, 15);
    r.integer("pumping_prefix_per_hour", config.security.pumping_prefix_per_hour, 0, 100'000'000);
    r.integer("pumping_unusual_per_hour", config.security.pumping_unusual_per_hour, 0, 100'000'000);
    r.integer("held_expiry_hours", config.security.held_expiry_hours, 1, 8'760);
    r.integer("pumping_prefix_per_hour_max", config.security.pumping_prefix_per_hour_max, 1,
              100'000'000);
    r.integer("pumping_unusual_per_hour_max", config.security.pumping_unusual_per_hour_max, 0,
              100'000'000);
    r.reject_unknown_keys();
  }
  {
    auto r = section("log");
    r.string("level", config.log.level, one_of({"trace", "debug", "info", "warn", "error", "off"}));
    r.string("format", config.log.format, one_of({"text", "json"}));
    r.reject_unknown_keys();
  }
  read_carriers(root, where, env, problems, config.smsc);

  // A DISKRET_<SECTION>_<KEY> that names no key is a typo worth stopping for; variables
  // outside the known sections (DISKRET_CONFIG, ...) are left alone.
  for (const auto& [name, value] : env) {
    if (problems.env_used.contains(name)) continue;
    for (const char* prefix : {"DISKRET_SERVER_", "DISKRET_STORE_", "DISKRET_KEYS_",
                               "DISKRET_BILLING_", "DISKRET_API_", "DISKRET_TLS_", "DISKRET_PIPELINE_", "DISKRET_SMTP_", "DISKRET_WEBHOOKS_", "DISKRET_CAMPAIGNS_", "DISKRET_PORTAL_", "DISKRET_LIMITS_", "DISKRET_SECURITY_", "DISKRET_LOG_",
                               "DISKRET_SMSC_"}) {
      if (name.rfind(prefix, 0) == 0) problems.add(name + ": unknown setting");
    }
  }
  if (problems.first) return fail(Errc::invalid_argument, *problems.first);
  return config;
}

Expected<Config> load(const std::optional<std::filesystem::path>& file, const Environment& env) {
  if (!file) return parse("", "defaults", env);
  std::ifstream in(*file, std::ios::binary);
  if (!in) return fail(Errc::not_found, "cannot read config file " + file->string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file->filename().string(), env);
}

}  // namespace diskret::config

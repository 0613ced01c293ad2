#include "api/content_settings_json.hpp"

#include <boost/json.hpp>

namespace diskret::api {
namespace json = boost::json;

bool is_content_key(std::string_view key) noexcept {
  return key == "smart_encoding" || key == "dlp_policy" || key == "dlp_patterns" ||
         key == "short_links" || key == "bounce_emails" || key == "click_tracking" ||
         key == "click_tracking_purpose";
}

void apply_content_settings(const json::object& body, content::ContentSettings& s,
                            std::vector<http::FieldError>& errors) {
  for (const auto& kv : body) {
    const std::string_view key = kv.key();
    const json::value& v = kv.value();
    if (key == "smart_encoding" || key == "short_links" || key == "bounce_emails" ||
        key == "click_tracking") {
      if (!v.is_bool()) {
        errors.push_back({std::string(key), "must be true or false"});
      } else {
        (key == "smart_encoding"  ? s.smart_encoding
         : key == "short_links"   ? s.short_links
         : key == "bounce_emails" ? s.bounce_emails
                                  : s.click_tracking) = v.as_bool();
      }
    } else if (key == "click_tracking_purpose") {
      if (!v.is_string() || v.as_string().size() > 500) {
        errors.push_back({"click_tracking_purpose", "must be a text of at most 500 characters"});
      } else {
        s.click_tracking_purpose = std::string(v.as_string());
      }
    } else if (key == "dlp_policy") {
      auto policy = v.is_string() ? dlp::parse_policy(v.as_string())
                                  : Expected<dlp::Policy>(fail(Errc::invalid_argument));
      if (!policy) {
        errors.push_back({"dlp_policy", "must be \"reject\", \"mask\" or \"allow\""});
      } else {
        s.dlp.policy = *policy;
      }
    } else if (key == "dlp_patterns") {
      if (!v.is_array()) {
        errors.push_back({"dlp_patterns", "must be an array of {name, regex}"});
        continue;
      }
      std::vector<dlp::PatternSpec> patterns;
      bool ok = true;
      for (const auto& p : v.as_array()) {
        const auto* o = p.if_object();
        const auto* name = o ? o->if_contains("name") : nullptr;
        const auto* regex = o ? o->if_contains("regex") : nullptr;
        if (!name || !regex || !name->is_string() || !regex->is_string() || o->size() != 2) {
          errors.push_back({"dlp_patterns", "each pattern must be {\"name\": string, \"regex\": string}"});
          ok = false;
          break;
        }
        patterns.push_back({std::string(name->as_string()), std::string(regex->as_string())});
      }
      if (!ok) continue;
      if (auto compiled = dlp::PatternSet::compile(patterns); !compiled) {
        errors.push_back({"dlp_patterns", compiled.error().message()});
        continue;
      }
      s.dlp.patterns = std::move(patterns);
    }
  }
  // Tracking people needs the purpose their consent was given for, stated by the tenant.
  if (s.click_tracking && s.click_tracking_purpose.find_first_not_of(" \t\r\n") == std::string::npos) {
    errors.push_back({"click_tracking_purpose",
                      "is required to switch click_tracking on: name the purpose the "
                      "recipients consented to (e.g. \"measuring interest in offers\")"});
  }
}

void add_content_json(json::object& out, const content::ContentSettings& s) {
  json::array patterns;
  for (const auto& p : s.dlp.patterns) {
    patterns.push_back(json::object{{"name", p.name}, {"regex", p.regex}});
  }
  out["smart_encoding"] = s.smart_encoding;
  out["dlp_policy"] = dlp::policy_name(s.dlp.policy);
  out["dlp_patterns"] = std::move(patterns);
  out["short_links"] = s.short_links;
  out["bounce_emails"] = s.bounce_emails;
  out["click_tracking"] = s.click_tracking;
  out["click_tracking_purpose"] = s.click_tracking_purpose;
}

}  // namespace diskret::api

#include "content/content_service.hpp"

#include <fmt/format.h>

namespace diskret::content {
namespace {

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The audit entry names the patterns, not their expressions: an expression may spell out a
// customer-number format, which is the tenant's business, not the trail's.
std::string details(const ContentSettings& s) {
  std::string names;
  for (const auto& p : s.dlp.patterns) names += (names.empty() ? "" : ",") + json_string(p.name);
  return fmt::format(
      R"({{"smart_encoding":{},"dlp_policy":"{}","dlp_patterns":[{}],"short_links":{},)"
      R"("bounce_emails":{},"click_tracking":{},"click_tracking_purpose":{}}})",
      s.smart_encoding, dlp::policy_name(s.dlp.policy), names, s.short_links, s.bounce_emails,
      s.click_tracking, json_string(s.click_tracking_purpose));
}

}  // namespace

std::string PreparedText::reason() const {
  return "The text contains sensitive content (" + verdict.kinds() +
         "); it was not sent. Remove it or ask the account owner about the content policy.";
}

ContentService::ContentService(ContentSettingsStore& store, const Clock& clock,
                               std::chrono::seconds ttl)
    : store_(store), clock_(clock), ttl_(ttl) {}

Expected<ContentSettings> ContentService::settings(std::uint64_t tenant) {
  const auto now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(tenant);
    if (it != cache_.end() && it->second.expires > now) return it->second.settings;
  }
  auto read = store_.get(tenant);
  if (!read) return unexpected(read.error());
  std::lock_guard lock(mutex_);
  cache_[tenant] = Cached{*read, now + ttl_};
  return read;
}

Expected<ContentSettings> ContentService::update(std::uint64_t tenant,
                                                 const ContentSettings& settings,
                                                 std::string_view actor) {
  if (auto ok = dlp::PatternSet::compile(settings.dlp.patterns); !ok) {
    return unexpected(ok.error());
  }
  if (auto ok = store_.put(tenant, settings, clock_.now_ms()); !ok) return unexpected(ok.error());
  {
    std::lock_guard lock(mutex_);
    cache_[tenant] = Cached{settings, clock_.now() + ttl_};
  }
  if (change_audit_) change_audit_(SettingsChange{tenant, std::string(actor), details(settings)});
  return settings;
}

PreparedText ContentService::prepare_with(std::uint64_t tenant, const ContentSettings& settings,
                                          std::string_view text, std::string_view source,
                                          std::size_t recipients,
                                          dlp::ContentGuard::Record record) {
  PreparedText out;
  if (settings.smart_encoding) {
    auto smart = sms::smart_encode(text);
    out.text = std::move(smart.text);
    out.replacements = std::move(smart.replacements);
  } else {
    out.text = std::string(text);
  }
  out.verdict = guard_.screen(tenant, settings.dlp, out.text, source, recipients, record);
  if (out.verdict.action == dlp::Action::masked) out.text = out.verdict.text;
  return out;
}

Expected<PreparedText> ContentService::prepare(std::uint64_t tenant, std::string_view text,
                                               std::string_view source, std::size_t recipients,
                                               dlp::ContentGuard::Record record) {
  auto s = settings(tenant);
  if (!s) return unexpected(s.error());
  return prepare_with(tenant, *s, text, source, recipients, record);
}

}  // namespace diskret::content

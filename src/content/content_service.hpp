#pragma once
/// ContentService: what every sending path does to a text before acceptance (issue 12):
/// smart encoding when the tenant has it on, then data-loss prevention under the tenant's
/// policy. Also reads (cached) and changes a tenant's content settings.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "content/content_settings.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "dlp/content_guard.hpp"
#include "sms/smart_encoding.hpp"

namespace diskret::content {

/// A text ready to be accepted, or the reason it may not be.
struct PreparedText {
  std::string text;                            ///< smart-encoded and, by policy, masked
  std::vector<sms::Replacement> replacements;  ///< what smart encoding replaced
  dlp::Verdict verdict;                        ///< findings and the action taken
  bool rejected() const { return verdict.action == dlp::Action::rejected; }
  /// "The text contains sensitive content (card_number); it was not sent." (no value)
  std::string reason() const;
};

/// Per-recipient error code of a refused text (SPEC: `error.code`).
inline constexpr std::string_view kSensitiveContent = "sensitive_content";

/// A settings change for the audit trail: who, and the new settings (patterns by name).
struct SettingsChange {
  std::uint64_t tenant = 0;
  std::string actor;
  std::string details_json;
};

class ContentService {
 public:
  ContentService(ContentSettingsStore& store, const Clock& clock,
                 std::chrono::seconds ttl = std::chrono::seconds{30});

  dlp::ContentGuard& guard() { return guard_; }
  void set_change_audit(std::function<void(const SettingsChange&)> sink) {
    change_audit_ = std::move(sink);
  }

  /// Cached for `ttl` (a change through this service applies at once).
  Expected<ContentSettings> settings(std::uint64_t tenant);
  /// Validates the patterns (Errc::invalid_argument naming the bad one), stores, audits.
  Expected<ContentSettings> update(std::uint64_t tenant, const ContentSettings& settings,
                                   std::string_view actor);

  /// Smart encoding (if on) then DLP. `source` names the path for the audit trail
  /// ("api", "campaign", "smtp", "smpp"); previews pass Record::no. Fails only when the
  /// settings cannot be read (callers answer "try again").
  Expected<PreparedText> prepare(std::uint64_t tenant, std::string_view text,
                                 std::string_view source, std::size_t recipients = 1,
                                 dlp::ContentGuard::Record record = dlp::ContentGuard::Record::yes);
  /// The same with settings already read.
  PreparedText prepare_with(std::uint64_t tenant, const ContentSettings& settings,
                            std::string_view text, std::string_view source,
                            std::size_t recipients, dlp::ContentGuard::Record record);

 private:
  struct Cached {
    ContentSettings settings;
    SystemTime expires;
  };
  ContentSettingsStore& store_;
  const Clock& clock_;
  std::chrono::seconds ttl_;
  dlp::ContentGuard guard_;
  std::function<void(const SettingsChange&)> change_audit_;
  std::mutex mutex_;
  std::map<std::uint64_t, Cached> cache_;
};

}  // namespace diskret::content

#pragma once
/// ContentSendPolicy: the content safeguards of issue 12 as a SendPolicy around another
/// one (the contacts rules), so that every sending path that screens (API, campaigns,
/// email to SMS, SMPP server) also gets them. prepare(): smart encoding and masking before
/// segments are counted and the opt-out line is added. screen(): data-loss prevention per
/// recipient; a refused text makes every recipient `rejected` with code
/// "sensitive_content" naming the kind found (never the value), and the text of such a
/// message is dropped so that it is not stored either.
#include <string>

#include "api/send_policy.hpp"
#include "content/content_service.hpp"
#include "links/links.hpp"
#include "store/key_ring.hpp"

namespace diskret::api {

class ContentSendPolicy final : public SendPolicy {
 public:
  /// Whether screen() smart-encodes too: for paths that never call prepare() and take
  /// text from people rather than programs (email to SMS). SMPP clients chose their
  /// data_coding themselves, so the SMPP server keeps their text as sent.
  enum class SmartInScreen : bool { no, yes };

  /// `inner` may be null (no contacts rules); `source` names the path in the audit trail.
  /// `record` no: findings are neither counted nor audited (campaign cost estimates).
  ContentSendPolicy(SendPolicy* inner, content::ContentService& content, std::string source,
                    SmartInScreen smart_in_screen = SmartInScreen::no,
                    dlp::ContentGuard::Record record = dlp::ContentGuard::Record::yes)
      : inner_(inner), content_(content), source_(std::move(source)),
        smart_in_screen_(smart_in_screen), record_(record) {}

  /// Short links for tenants that switched them on: URLs in marketing texts are replaced
  /// before segments are counted (Persist::no for estimates). Set before serving.
  void set_links(links::LinkService* links, links::Persist persist = links::Persist::yes) {
    links_ = links;
    persist_ = persist;
  }

  /// Per-recipient click tracking for tenants that switched it on with a consent purpose:
  /// each recipient of a marketing message gets short link codes of its own (the number
  /// sealed and blind-indexed with the tenant's keys from `keys`). Null: aggregate only.
  void set_tracking(store::KeyRing* keys) { tracking_keys_ = keys; }

  // SendPolicy
  Expected<void, http::Problem> prepare(const Caller& caller, SendRequest& request) override;
  Expected<void, http::Problem> screen(const Caller& caller,
                                       std::vector<pipeline::NewMessage>& messages) override;

 private:
  SendPolicy* inner_;
  content::ContentService& content_;
  std::string source_;
  SmartInScreen smart_in_screen_;
  dlp::ContentGuard::Record record_;
  links::LinkService* links_ = nullptr;
  links::Persist persist_ = links::Persist::yes;
  store::KeyRing* tracking_keys_ = nullptr;

  Expected<void, http::Problem> track_recipients(std::uint64_t tenant,
                                                 std::vector<pipeline::NewMessage>& messages);
};

/// Marks every not yet rejected message `rejected` (sensitive_content, `detail`) and
/// drops its text.
void reject_sensitive(std::vector<pipeline::NewMessage>& messages, const std::string& detail);

}  // namespace diskret::api

#include "api/content_send_policy.hpp"

#include <map>

#include "crypto/secret_box.hpp"
#include "sms/text.hpp"

namespace diskret::api {
namespace {

http::Problem settings_unavailable() {
  return unavailable_problem("The account's content rules cannot be read right now.",
                             std::chrono::seconds{1});
}

}  // namespace

void reject_sensitive(std::vector<pipeline::NewMessage>& messages, const std::string& detail) {
  for (auto& m : messages) {
    if (m.rejected) continue;
    m.rejected = pipeline::MessageError{std::string(content::kSensitiveContent), detail};
    m.text.clear();
  }
}

Expected<void, http::Problem> ContentSendPolicy::prepare(const Caller& caller,
                                                         SendRequest& request) {
  const auto tenant = caller.principal.tenant.value;
  auto settings = content_.settings(tenant);
  if (!settings) return unexpected(settings_unavailable());
  if (links_ && links_->enabled() && settings->short_links &&
      request.category == pipeline::Category::marketing) {
    auto shortened = links_->shorten(tenant, request.text, persist_);
    if (!shortened) {
      return unexpected(unavailable_problem("Short links cannot be made right now.",
                                            std::chrono::seconds{1}));
    }
    if (!shortened->rewritten.empty()) {
      if (auto info = sms::analyse(shortened->text)) {
        request.text = std::move(shortened->text);
        request.text_info = *info;
      }
    }
  }
  // Findings are recorded once, in screen(); here only the text changes (smart encoding,
  // masking) so that segments and the opt-out line are counted on what is sent.
  auto prepared = content_.prepare_with(tenant, *settings, request.text, source_,
                                        request.to.size(), dlp::ContentGuard::Record::no);
  if (prepared.text != request.text) {
    auto info = sms::analyse(prepared.text);
    if (info) {
      request.text = std::move(prepared.text);
      request.text_info = *info;
    }
  }
  if (request.text_info.segments > caller.settings.max_segments) {
    // parse_send_request let it through because smart encoding would shorten it, but this
    // tenant has smart encoding off (or it did not help).
    return unexpected(http::Problem{
        422,
        "validation-failed",
        "Invalid request",
        "The request has invalid fields: text.",
        {{"text",
          "needs " + std::to_string(request.text_info.segments) + " segments (" +
              sms::encoding_name(request.text_info.encoding) + "); the limit is " +
              std::to_string(caller.settings.max_segments),
          {}}},
        {}});
  }
  if (inner_) return inner_->prepare(caller, request);
  return {};
}

Expected<void, http::Problem> ContentSendPolicy::screen(
    const Caller& caller, std::vector<pipeline::NewMessage>& messages) {
  if (inner_) {
    if (auto ok = inner_->screen(caller, messages); !ok) return ok;
  }
  const auto tenant = caller.principal.tenant.value;
  auto settings = content_.settings(tenant);
  if (!settings) return unexpected(settings_unavailable());
  content::ContentSettings rules = *settings;
  if (smart_in_screen_ == SmartInScreen::no) rules.smart_encoding = false;
  // Recipients of one request share a text: screen each distinct text once.
  std::map<std::string, std::vector<std::size_t>> by_text;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (!messages[i].rejected && !messages[i].text.empty()) by_text[messages[i].text].push_back(i);
  }
  for (auto& [text, positions] : by_text) {
    auto prepared =
        content_.prepare_with(tenant, rules, text, source_, positions.size(), record_);
    if (prepared.rejected()) {
      const std::string reason = prepared.reason();
      for (auto i : positions) {
        messages[i].rejected =
            pipeline::MessageError{std::string(content::kSensitiveContent), reason};
        messages[i].text.clear();
      }
      continue;
    }
    if (prepared.text == text) continue;
    auto info = sms::analyse(prepared.text);
    if (!info) continue;
    for (auto i : positions) {
      messages[i].text = prepared.text;
      messages[i].segments = static_cast<std::uint16_t>(info->segments);
      messages[i].encoding = sms::encoding_name(info->encoding);
    }
  }
  if (settings->click_tracking && !settings->click_tracking_purpose.empty() &&
      settings->short_links && links_ && links_->enabled() && links_->recipients() &&
      tracking_keys_ && persist_ == links::Persist::yes) {
    return track_recipients(tenant, messages);
  }
  return {};
}

Expected<void, http::Problem> ContentSendPolicy::track_recipients(
    std::uint64_t tenant, std::vector<pipeline::NewMessage>& messages) {
  auto keys = tracking_keys_->tenant(tenant);
  if (!keys) {
    return unexpected(unavailable_problem("Short links cannot be made right now.",
                                          std::chrono::seconds{1}));
  }
  for (auto& m : messages) {
    if (m.rejected || m.category != pipeline::Category::marketing || m.to.empty() ||
        m.to[0] != '+') {
      continue;
    }
    const auto blind = store::KeyRing::blind(**keys, m.to);
    const std::string blind_bytes(reinterpret_cast<const char*>(blind.data()), blind.size());
    const std::string sealed = crypto::seal(
        (*keys)->data_key, m.to, crypto::record_ad(tenant, "short_link_recipients", 0, "recipient"));
    auto text = links_->personalise(tenant, m.text, blind_bytes, sealed);
    if (!text) {
      return unexpected(unavailable_problem("Short links cannot be made right now.",
                                            std::chrono::seconds{1}));
    }
    m.text = std::move(*text);
  }
  return {};
}

}  // namespace diskret::api

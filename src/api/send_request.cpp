#include "api/send_request.hpp"

#include <openssl/evp.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/rfc3339.hpp"
#include "core/hex.hpp"
#include "phone/phone_number.hpp"
#include "sms/smart_encoding.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using http::FieldError;

constexpr std::string_view kFields[] = {"to", "text", "from", "category", "client_ref",
                                        "send_at", "valid_for"};

http::Problem invalid(std::vector<FieldError> errors) {
  std::string names;
  for (const auto& e : errors) {
    if (names.find(e.field) == std::string::npos) names += (names.empty() ? "" : ", ") + e.field;
  }
  return http::Problem{422, "validation-failed", "Invalid request",
                       "The request has invalid fields: " + names + ".", std::move(errors), {}};
}

/// Reads `to`: one string or an array of strings.
void read_recipients(const json::value* v, const SendLimits& limits, SendRequest& out,
                     std::vector<FieldError>& errors) {
  if (v == nullptr) return errors.push_back({"to", "is required", {}});
  auto take = [&](const json::value& item, std::string field) {
    if (!item.is_string()) return errors.push_back({std::move(field), "must be a string", {}});
    const auto& s = item.get_string();
    if (s.size() > kMaxRecipientLength) {
      return errors.push_back(
          {std::move(field), fmt::format("must be at most {} characters", kMaxRecipientLength), {}});
    }
    out.to.emplace_back(s.data(), s.size());
  };
  if (v->is_string()) return take(*v, "to");
  if (!v->is_array()) return errors.push_back({"to", "must be a string or an array of strings", {}});
  const auto& array = v->get_array();
  if (array.empty()) return errors.push_back({"to", "must name at least one recipient", {}});
  if (array.size() > limits.max_recipients) {
    return errors.push_back(
        {"to", fmt::format("at most {} recipients per request", limits.max_recipients), {}});
  }
  out.to.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) take(array[i], fmt::format("to[{}]", i));
}

void read_text(const json::value* v, const tenancy::TenantSettings& settings, SendRequest& out,
               std::vector<FieldError>& errors) {
  if (v == nullptr) return errors.push_back({"text", "is required", {}});
  if (!v->is_string()) return errors.push_back({"text", "must be a string", {}});
  out.text = std::string(v->get_string());
  auto info = sms::analyse(out.text);
  if (!info) {
    bool empty = info.error().code == sms::Errc::empty_text;
    return errors.push_back({"text", empty ? "must not be empty" : info.error().message(), {}});
  }
  if (info->segments > settings.max_segments) {
    // Only on the refusal path: a text that smart encoding (issue 12) brings within the
    // limit passes here; ContentSendPolicy::prepare checks again with the tenant's setting.
    if (auto smart = sms::analyse(sms::smart_encode(out.text).text);
        smart && smart->segments <= settings.max_segments) {
      out.text_info = *info;
      return;
    }
    return errors.push_back({"text",
                             fmt::format("needs {} segments ({}); the limit is {}", info->segments,
                                         sms::encoding_name(info->encoding), settings.max_segments),
                             {}});
  }
  out.text_info = *info;
}

void read_options(const json::object& body, SystemTime now, SendRequest& out,
                  std::vector<FieldError>& errors) {
  if (const auto* v = body.if_contains("category")) {
    auto c = v->is_string() ? pipeline::parse_category(v->get_string()) : std::nullopt;
    if (!c) errors.push_back({"category", "must be \"transactional\" or \"marketing\"", {}});
    if (c) out.category = *c;
  }
  if (const auto* v = body.if_contains("client_ref")) {
    if (!v->is_string()) {
      errors.push_back({"client_ref", "must be a string", {}});
    } else if (v->get_string().size() > kMaxClientRefLength) {
      errors.push_back({"client_ref", fmt::format("must be at most {} characters", kMaxClientRefLength), {}});
    } else {
      out.client_ref = std::string(v->get_string());
    }
  }
  SystemTime start = now;
  if (const auto* v = body.if_contains("send_at"); v != nullptr && !v->is_null()) {
    auto t = v->is_string() ? parse_rfc3339(v->get_string()) : std::nullopt;
    if (!t) {
      errors.push_back({"send_at", "must be an RFC 3339 timestamp like 2030-01-02T09:00:00Z", {}});
    } else if (*t > now + kMaxScheduleAhead) {
      errors.push_back({"send_at", "must be at most 30 days ahead", {}});
    } else if (*t > now) {
      // A time in the past means "now": a client's clock skew must not fail the send.
      out.send_at = *t;
      start = *t;
    }
  }
  if (const auto* v = body.if_contains("valid_for"); v != nullptr && !v->is_null()) {
    std::int64_t seconds = -1;
    if (v->is_int64()) seconds = v->get_int64();
    if (v->is_uint64()) seconds = static_cast<std::int64_t>(std::min<std::uint64_t>(v->get_uint64(), INT64_MAX));
    if (seconds < kMinValidFor.count() || seconds > kMaxValidFor.count()) {
      errors.push_back({"valid_for",
                        fmt::format("must be a whole number of seconds, {}..{}", kMinValidFor.count(),
                                    kMaxValidFor.count()),
                        {}});
    } else {
      out.expires_at = start + std::chrono::seconds(seconds);
    }
  }
}

}  // namespace

Expected<SendRequest, http::Problem> parse_send_request(std::string_view body,
                                                        const tenancy::TenantSettings& settings,
                                                        const SendLimits& limits, SystemTime now) {
  // The parsed tree lives only in this call: a monotonic arena (stack first) replaces the
  // dozens of small heap allocations of a default parse.
  unsigned char arena[4096];
  json::monotonic_resource resource(arena, sizeof arena);
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec, json::storage_ptr(&resource));
  if (ec) {
    return unexpected(http::Problem{400, "malformed-json", "Malformed JSON",
                                    "The body is not valid JSON: " + ec.message() + ".", {}, {}});
  }
  if (!parsed.is_object()) {
    return unexpected(http::Problem{400, "malformed-json", "Malformed JSON",
                                    "The body must be a JSON object.", {}, {}});
  }
  const auto& object = parsed.get_object();
  std::vector<FieldError> errors;
  for (const auto& [key, value] : object) {
    if (std::find(std::begin(kFields), std::end(kFields), std::string_view(key)) == std::end(kFields)) {
      errors.push_back({std::string(key), "is not a known field", {}});
    }
  }
  SendRequest out;
  read_recipients(object.if_contains("to"), limits, out, errors);
  read_text(object.if_contains("text"), settings, out, errors);
  if (const auto* from = object.if_contains("from"); from == nullptr) {
    errors.push_back({"from", "is required", {}});
  } else if (!from->is_string()) {
    errors.push_back({"from", "must be a string", {}});
  } else if (auto sender = sms::SenderId::parse(from->get_string()); !sender) {
    errors.push_back({"from", sender.error().message(), {}});
  } else if (!settings.sender_ids.empty() &&
             std::find(settings.sender_ids.begin(), settings.sender_ids.end(),
                       sender->display()) == settings.sender_ids.end()) {
    std::string allowed;
    for (const auto& s : settings.sender_ids) allowed += (allowed.empty() ? "" : ", ") + s;
    errors.push_back({"from", "is not one of this account's sender ids (" + allowed + ")", {}});
  } else {
    out.from = *sender;
  }
  read_options(object, now, out, errors);
  if (!errors.empty()) return unexpected(invalid(std::move(errors)));
  return out;
}

bool country_allowed(const tenancy::TenantSettings& settings, std::string_view region) {
  if (settings.allowed_countries.empty()) return region == settings.default_region;
  for (const auto& allowed : settings.allowed_countries) {
    if (allowed == "*" || allowed == region) return true;
  }
  return false;
}

std::vector<pipeline::NewMessage> plan_messages(const SendRequest& request,
                                                const tenancy::TenantSettings& settings) {
  const phone::Region region{settings.default_region};
  std::vector<pipeline::NewMessage> out;
  out.reserve(request.to.size());
  const std::string from = request.from.display();
  const char* encoding = sms::encoding_name(request.text_info.encoding);
  for (const auto& raw : request.to) {
    pipeline::NewMessage m;
    m.from = from;
    m.text = request.text;
    m.category = request.category;
    m.client_ref = request.client_ref;
    m.segments = static_cast<std::uint16_t>(request.text_info.segments);
    m.encoding = encoding;
    m.send_at = request.send_at;
    m.expires_at = request.expires_at;
    auto number = phone::PhoneNumber::parse(raw, region);
    if (!number) {
      m.to = raw;
      m.rejected = pipeline::MessageError{"invalid_number", number.error().message()};
    } else {
      m.to = number->e164();
      if (!country_allowed(settings, number->region())) {
        m.rejected = pipeline::MessageError{
            "country_not_allowed",
            "Sending to " + (number->region().empty() ? std::string("this country") : number->region()) +
                " is not enabled for this account."};
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string render_send_response(const std::vector<pipeline::NewMessage>& messages,
                                 const std::vector<pipeline::MessageId>& ids) {
  json::array list;
  list.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    json::object o;
    o["id"] = pipeline::format_message_id(ids.at(i));
    o["to"] = m.to;
    o["status"] = pipeline::status_name(m.rejected ? pipeline::MessageStatus::rejected
                                                   : pipeline::MessageStatus::accepted);
    o["segments"] = m.segments;
    o["encoding"] = m.encoding;
    if (m.rejected) o["error"] = json::object{{"code", m.rejected->code}, {"detail", m.rejected->detail}};
    list.emplace_back(std::move(o));
  }
  return json::serialize(json::object{{"messages", std::move(list)}});
}

std::string fingerprint(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_sha256(), nullptr);
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace diskret::api

#pragma once
/// POST /v1/messages as pure functions: body -> validated SendRequest (or a problem that
/// changes nothing), SendRequest -> one NewMessage per recipient (invalid numbers and
/// countries are rejected per recipient), and the 202 response body.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "http/problem.hpp"
#include "pipeline/message.hpp"
#include "sms/sender_id.hpp"
#include "sms/text.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

inline constexpr std::size_t kMaxRecipients = 10'000;   ///< SPEC: "up to 10,000"
inline constexpr std::size_t kMaxRecipientLength = 64;  ///< longer `to` strings fail the request
inline constexpr std::size_t kMaxClientRefLength = 128;
inline constexpr std::chrono::seconds kMinValidFor{60};
inline constexpr std::chrono::seconds kMaxValidFor{7 * 24 * 3600};
inline constexpr std::chrono::hours kMaxScheduleAhead{30 * 24};

struct SendLimits {
  std::size_t max_recipients = kMaxRecipients;
};

/// A syntactically valid send request; recipients are still raw strings.
struct SendRequest {
  std::vector<std::string> to;
  std::string text;
  sms::SenderId from;
  pipeline::Category category = pipeline::Category::transactional;
  std::string client_ref;
  std::optional<SystemTime> send_at;     ///< only when in the future
  std::optional<SystemTime> expires_at;  ///< from valid_for, counted from send_at or now
  sms::TextInfo text_info;
};

/// Validates everything that concerns the whole request: 400 for malformed JSON, 422 with
/// every offending field in `errors` for the rest (unknown fields, types, empty text, too
/// many segments for the tenant, recipient count, sender id, send_at, valid_for).
Expected<SendRequest, http::Problem> parse_send_request(std::string_view body,
                                                        const tenancy::TenantSettings& settings,
                                                        const SendLimits& limits, SystemTime now);

/// Whether a destination region may be sent to: `allowed_countries` lists ISO regions;
/// empty means the tenant's default region only; "*" allows every country.
bool country_allowed(const tenancy::TenantSettings& settings, std::string_view region);

/// One NewMessage per recipient, in order (duplicates kept). Invalid numbers become
/// `rejected` with code "invalid_number" and libphonenumber's reason; numbers in countries
/// the tenant may not send to become `rejected` with "country_not_allowed".
std::vector<pipeline::NewMessage> plan_messages(const SendRequest& request,
                                                const tenancy::TenantSettings& settings);

/// {"messages": [{id, to, status, segments, encoding[, error]}]}, ids in API form.
std::string render_send_response(const std::vector<pipeline::NewMessage>& messages,
                                 const std::vector<pipeline::MessageId>& ids);

/// Hex SHA-256 of the body: same Idempotency-Key with another body is a conflict.
std::string fingerprint(std::string_view body);

/// Idempotency-Key: 1..255 visible ASCII characters.
bool valid_idempotency_key(std::string_view key);

}  // namespace diskret::api

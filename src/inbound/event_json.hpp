#pragma once
/// The JSON bodies POSTed to a tenant's webhook. Pure (Boost.JSON).
///   message.status:  {event, id, status, to, error?, at}
///   message.inbound: {event, id, from, to, text, received_at, keyword?}
///   security.alert:  {event, id, kind, severity, details, at}
/// Times are RFC 3339 UTC with milliseconds; numbers are E.164 (short codes as digits).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace diskret::inbound {

inline constexpr std::string_view kStatusEvent = "message.status";
inline constexpr std::string_view kInboundEvent = "message.inbound";
inline constexpr std::string_view kAlertEvent = "security.alert";

struct EventError {
  std::string code;    ///< "carrier_rejected", "expired" ...
  std::string detail;  ///< human sentence, no personal data
};

struct StatusEvent {
  std::string message_id;  ///< public id (pipeline::format_message_id)
  std::string status;      ///< "submitted", "delivered", "failed", "expired"
  std::string to;          ///< E.164
  std::optional<EventError> error;
  SystemTime at;
};

struct InboundEvent {
  std::string id;    ///< public id of the inbound message
  std::string from;  ///< E.164, or as received when it is not a phone number
  std::string to;    ///< the tenant's number
  std::string text;  ///< UTF-8
  SystemTime received_at;
  std::optional<std::string> keyword;  ///< "stop", "start", "help", "confirm"
};

/// A security alert (privacy::Alerts): never personal data.
struct AlertEvent {
  std::uint64_t id = 0;  ///< the alert's id (as in GET /v1/alerts)
  std::string kind;      ///< "auth.many_failures", "keys.master_rotated" ...
  std::string severity;  ///< "info", "warning", "critical"
  std::string details;   ///< a JSON object (sent as such; anything else as {"note": ...})
  std::uint64_t tenant = 0;  ///< 0: a platform alert every tenant is told of
  SystemTime at;
};

std::string to_json(const StatusEvent& event);
std::string to_json(const InboundEvent& event);
std::string to_json(const AlertEvent& event);

/// "2024-05-06T07:08:09.123Z".
std::string format_utc_ms(SystemTime t);

}  // namespace diskret::inbound

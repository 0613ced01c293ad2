#pragma once
/// Retention rules (GDPR art. 5(1)(e), storage limitation): how long a tenant keeps message
/// texts and the numbers they went to or came from, and which stored rows a run of the
/// retention job must scrub at a given moment. Pure code: the job (retention_job.hpp) does
/// the storage work. Periods are re-read on every run, so shortening one applies to data
/// already stored.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::privacy {

using Days = std::chrono::days;

inline constexpr std::int64_t kMinRetentionDays = 1;
inline constexpr std::int64_t kMaxRetentionDays = 3650;

/// Per tenant; the defaults apply to tenants that never chose.
struct RetentionPolicy {
  Days message_text{30};     ///< text and client_ref of sent messages
  Days message_numbers{90};  ///< recipient number of sent messages; then pseudonymised
  Days inbound_text{30};     ///< text of received (MO) messages
  Days inbound_numbers{90};  ///< sender number of received messages; then pseudonymised
  friend bool operator==(const RetentionPolicy&, const RetentionPolicy&) = default;
};

/// Errc::invalid_policy naming the field: every period within 1..3650 days, and a text
/// kept no longer than its number (a pseudonymised row keeps no text: text without the
/// number is what the tenant asked to keep, but it could still identify the person).
Expected<void> validate(const RetentionPolicy& policy);

/// {"message_text_days": 30, "message_numbers_days": 90, "inbound_text_days": 30,
///  "inbound_numbers_days": 90}. Parsing takes missing keys from `base`, refuses unknown
/// keys and validates the result.
std::string to_json(const RetentionPolicy& policy);
Expected<RetentionPolicy> policy_from_json(std::string_view json, const RetentionPolicy& base = {});

/// Rows finished before these instants (epoch ms) are due.
struct RetentionCutoffs {
  std::int64_t message_text_ms = 0;
  std::int64_t message_numbers_ms = 0;
  std::int64_t inbound_text_ms = 0;
  std::int64_t inbound_numbers_ms = 0;
};
RetentionCutoffs cutoffs(const RetentionPolicy& policy, std::int64_t now_ms);

/// What a run does to one row.
enum class Scrub : std::uint8_t {
  keep,
  drop_text,     ///< re-seal without text and client_ref; number and statistics stay
  pseudonymise,  ///< drop number and text, unlink from the person; statistics stay
};

/// The facts of a sent message that decide its fate.
struct MessageFacts {
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> done_at_ms;  ///< set once final (delivered, failed, ...)
  bool text_dropped = false;
  bool pseudonymised = false;
};
/// Periods count from the moment a message became final; messages still on their way
/// are never touched (their text is needed to send them).
Scrub scrub_message(const MessageFacts& message, const RetentionCutoffs& cutoffs);

struct InboundFacts {
  std::int64_t received_at_ms = 0;
  bool handled = true;  ///< keyword effects applied; unhandled rows are still needed
  bool text_dropped = false;
  bool pseudonymised = false;
};
Scrub scrub_inbound(const InboundFacts& inbound, const RetentionCutoffs& cutoffs);

/// Message and inbound ids are time-ordered (created_at_ms << 16 | sequence): every row
/// created before `ms` has an id below this bound, so a run reads only that prefix.
inline std::uint64_t id_bound(std::int64_t ms) {
  return ms <= 0 ? 0 : static_cast<std::uint64_t>(ms) << 16;
}

}  // namespace diskret::privacy

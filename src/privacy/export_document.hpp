#pragma once
/// The access and portability document (GDPR art. 15 and 20): everything a tenant holds
/// about one phone number, as one JSON document, built from plain values that the caller
/// has already read and decrypted. Pure code.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "privacy/retention.hpp"

namespace diskret::privacy {

inline constexpr std::string_view kExportFormat = "diskret-subject-export/1";

struct ExportContact {
  std::string first_name;
  std::string last_name;
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> lists;  ///< list names
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct ExportConsent {
  std::string purpose;
  std::string source;
  std::string wording;
  std::optional<std::int64_t> obtained_at_ms;
  std::optional<std::int64_t> requested_at_ms;
  std::optional<std::int64_t> confirmed_at_ms;
  std::optional<std::int64_t> withdrawn_at_ms;
  std::int64_t recorded_at_ms = 0;
};

struct ExportSentMessage {
  std::string id;
  std::string from;
  std::optional<std::string> text;  ///< unset: removed by the retention period
  std::string status;
  std::string category;
  std::uint16_t segments = 0;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> submitted_at_ms;
  std::optional<std::int64_t> done_at_ms;
  std::string carrier;  ///< the carrier (sub-processor) that received it, if any
  std::string error_code;
};

struct ExportReceivedMessage {
  std::string id;
  std::string to;  ///< the tenant's number it was sent to
  std::optional<std::string> text;
  std::int64_t received_at_ms = 0;
  std::string carrier;
};

struct ExportSuppression {
  std::string reason;  ///< "erased", or the source ("api", "sms_keyword", ...)
  std::int64_t since_ms = 0;
};

struct ExportAuditEntry {
  std::uint64_t seq = 0;
  std::int64_t at_ms = 0;
  std::string actor;
  std::string action;
  std::string object;
  std::string details;  ///< JSON object text
};

/// A click on a short link code of the person's own (per-recipient tracking, issue 12).
struct ExportLinkClick {
  std::string link;  ///< the link's target
  std::int64_t clicked_at_ms = 0;
};

struct SubjectExport {
  std::string tenant;  ///< public id of the tenant (the controller)
  std::string phone;   ///< E.164, as asked for
  std::int64_t generated_at_ms = 0;
  std::optional<std::int64_t> erased_at_ms;
  std::optional<ExportContact> contact;
  std::vector<ExportConsent> consents;
  std::vector<ExportSentMessage> sent;
  std::vector<ExportReceivedMessage> received;
  std::optional<ExportSuppression> suppression;
  std::vector<ExportAuditEntry> audit;
  RetentionPolicy retention;
  std::vector<ExportLinkClick> link_clicks;
};

/// The document as compact JSON. Times are RFC 3339 UTC with milliseconds. "recipients"
/// lists the carriers that received the person's messages (art. 15(1)(c)), "retention"
/// the storage periods (art. 15(1)(d)). An erased subject yields no personal data, only
/// the erasure time and the suppression marker that keeps them from being messaged again.
std::string to_json(const SubjectExport& document);

/// "2024-05-01T12:00:00.123Z".
std::string rfc3339_ms(std::int64_t epoch_ms);

}  // namespace diskret::privacy

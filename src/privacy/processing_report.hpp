#pragma once
/// Records of processing (GDPR art. 30(2), the processor's record) for one tenant, made from
/// the live configuration and data, not written by hand: which categories of personal
/// data are held and how much, for how long, which carriers (sub-processors) receive
/// them, and the security measures in force (art. 32). Pure code.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "privacy/retention.hpp"

namespace diskret::privacy {

struct CarrierInfo {
  std::string name;
  std::string host;
  std::uint16_t port = 0;
  std::vector<std::string> prefixes;  ///< E.164 prefixes routed there; empty: all
};

/// What is in force, read from the configuration and the key store by the caller.
struct SecurityMeasures {
  bool http_tls = false;         ///< the API is served over TLS by diskret itself
  bool smtp_starttls = false;
  bool durable_commits = true;   ///< fsync before acknowledging
  std::string store = "sqlite";
  std::string master_key_source = "file";
  std::optional<std::int64_t> master_key_since_ms;  ///< last rotation (or first start)
  std::uint64_t audit_checkpoint_every = 100;
  std::string audit_signing_key_id;
  bool billing_card_vault = true;  ///< card data only in the separate vault
};

struct ProcessingInputs {
  std::string tenant;  ///< public id
  std::string tenant_name;
  std::int64_t generated_at_ms = 0;
  RetentionPolicy retention;
  /// Rows held per table (contacts, consents, suppressions, users, messages, inbound).
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  std::vector<CarrierInfo> carriers;
  SecurityMeasures security;
};

/// The report as JSON: {format, generated_at, controller, processor, purposes,
/// categories[], retention, sub_processors[], security_measures[], rights}.
std::string processing_report_json(const ProcessingInputs& inputs);

}  // namespace diskret::privacy

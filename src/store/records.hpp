#pragma once
/// Rows as the Store keeps them. Personal data never appears here in clear: message
/// payloads, idempotency responses and keys are ciphertext made by the layers above.
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace diskret::store {

/// A 16-byte keyed index of a phone number (crypto::BlindIndex).
using Blind = std::array<std::uint8_t, 16>;

/// A hash of (tenant, blind index) for hash tables and filters. The blind index is a keyed
/// hash already, so its first bytes are uniformly distributed.
inline std::uint64_t blind_hash(std::uint64_t tenant, const Blind& blind) noexcept {
  std::uint64_t h = 0;
  std::memcpy(&h, blind.data(), sizeof h);
  return h ^ (tenant * 0x9e3779b97f4a7c15ULL);
}

/// Message states as stored (pipeline::MessageStatus has the same values).
namespace state {
inline constexpr std::uint8_t kAccepted = 0;
inline constexpr std::uint8_t kSubmitted = 1;
inline constexpr std::uint8_t kDelivered = 2;
inline constexpr std::uint8_t kFailed = 3;
inline constexpr std::uint8_t kExpired = 4;
inline constexpr std::uint8_t kRejected = 5;
}  // namespace state

/// States of one part of a message at its carrier.
namespace part_state {
inline constexpr std::uint8_t kSubmitted = 0;
inline constexpr std::uint8_t kDelivered = 1;
inline constexpr std::uint8_t kFailed = 2;
inline constexpr std::uint8_t kExpired = 3;
}  // namespace part_state

struct TenantRecord {
  std::uint64_t id = 0;  ///< assigned by insert_tenant
  std::string public_id;
  std::string name;
  std::string display_name;
  std::string default_region = "DE";
  std::string allowed_countries;  ///< ISO regions, comma-separated
  std::uint16_t max_segments = 10;
  std::int64_t created_at_ms = 0;
  std::string sender_ids;  ///< comma-separated; empty: any valid sender id
  std::string quiet_hours;  ///< "20:00-08:00", "off"; empty: the platform's
};

struct ApiKeyRecord {
  std::uint64_t id = 0;  ///< assigned by insert_api_key
  std::uint64_t tenant_id = 0;
  std::string prefix;
  std::string hash;      ///< keyed hash of the whole key, hex
  std::string name;
  std::string role;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> revoked_at_ms;
  std::string tenant_public_id;  ///< filled by reads that join the tenant
};

/// A tenant's data key, wrapped by the master key (key store).
struct TenantKeyRecord {
  std::uint64_t tenant_id = 0;
  std::uint32_t version = 1;
  std::string master_key_id;
  std::string wrapped;
  std::int64_t created_at_ms = 0;
};

/// One person (a phone number within one tenant): a key wrapped by the tenant key.
struct SubjectRecord {
  std::uint64_t tenant_id = 0;
  Blind blind{};
  std::uint64_t subject_id = 0;
  std::string wrapped;
  std::int64_t created_at_ms = 0;
};

struct MessageRecord {
  std::uint64_t id = 0;  ///< time-ordered; created_at is id >> 16 milliseconds
  std::uint64_t tenant_id = 0;
  std::optional<std::uint64_t> subject_id;  ///< unset: payload sealed under the tenant key
  std::uint8_t status = state::kAccepted;
  std::uint8_t category = 0;
  std::uint16_t segments = 0;
  std::string encoding;
  std::string sender;
  std::string payload;  ///< sealed recipient, text and client_ref
  std::optional<std::int64_t> send_at_ms;  ///< set only while the message waits for it
  std::optional<std::int64_t> expires_at_ms;
  std::optional<std::int64_t> submitted_at_ms;
  std::optional<std::int64_t> done_at_ms;
  std::string carrier;
  std::uint16_t parts = 0;
  std::uint16_t parts_delivered = 0;
  std::string error_code;
  std::string error_detail;
  std::string request_id;  ///< the X-Request-Id (or session id) that accepted it; for logs
};

struct IdempotencyRecord {
  std::uint64_t tenant_id = 0;
  std::string key;
  std::string sealed;  ///< fingerprint and response, sealed under the tenant key
  std::int64_t created_at_ms = 0;
};

/// One part of a submitted message as the carrier named it.
struct PartRecord {
  std::string carrier_id;  ///< canonical form
  std::string carrier;
  std::uint64_t message_id = 0;
  std::uint16_t part = 0;
  std::uint8_t state = part_state::kSubmitted;
  std::string request_id;  ///< of its message (find_part, mark_part), for logs
};

/// Filter of Store::messages: one tenant, newest first.
struct MessageQuery {
  std::uint64_t tenant_id = 0;
  std::optional<std::uint8_t> status;
  std::optional<std::int64_t> since_ms;   ///< created at or after
  std::optional<std::int64_t> until_ms;   ///< created before
  std::optional<std::uint64_t> before_id; ///< cursor: ids strictly below
  std::size_t limit = 50;
};

}  // namespace diskret::store

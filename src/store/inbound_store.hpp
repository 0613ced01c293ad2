#pragma once
/// InboundStore: the inbound numbers that the operator assigns to tenants, the
/// mobile-originated (MO) messages received on them, the keyword replies sent (for the
/// reply rate limit and for replies still to be accepted after a crash) and each tenant's
/// keyword settings. The MO sender and text exist only as ciphertext made by the layer
/// above (inbound/), under the sender's subject key. Writes join a WriteTransaction of the
/// Store; reads are safe from any thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/store.hpp"

namespace diskret::store {

struct InboundNumberRecord {
  std::string number;     ///< "+4915112345678" or a short code "12345" (not personal data)
  std::uint8_t kind = 0;  ///< inbound::NumberKind
  std::uint64_t tenant_id = 0;
  std::int64_t created_at_ms = 0;
};

struct InboundMessageRecord {
  std::uint64_t id = 0;  ///< time-ordered, like message ids
  std::uint64_t tenant_id = 0;
  std::optional<std::uint64_t> subject_id;  ///< the sender's; unset: sealed under the tenant key
  std::string number;                       ///< ours, as assigned
  std::string payload;                      ///< sealed sender and text
  std::optional<std::uint8_t> keyword;      ///< inbound::KeywordKind
  std::string carrier;
  std::int64_t received_at_ms = 0;
  bool handled = false;  ///< keyword effects applied (or none needed)
};

/// A keyword reply decided for an MO. `accepted` turns true once the reply message is
/// committed by the pipeline; rows still false after a restart are accepted again (the
/// pipeline's idempotency key makes that safe).
struct KeywordReplyRecord {
  std::uint64_t id = 0;  ///< assigned by insert_keyword_reply
  std::uint64_t tenant_id = 0;
  std::uint64_t subject_id = 0;
  std::uint8_t kind = 0;  ///< inbound::KeywordKind
  std::uint64_t inbound_id = 0;
  std::int64_t at_ms = 0;
  bool accepted = false;
};

/// A page of a tenant's inbound messages, newest first.
struct InboundQuery {
  std::uint64_t tenant_id = 0;
  std::optional<std::uint64_t> before_id;  ///< cursor: ids strictly below
  std::size_t limit = 50;
};

/// The writes, bound to one open WriteTransaction.
class InboundWrites {
 public:
  virtual ~InboundWrites() = default;

  /// Assigns `number` to the record's tenant. Assigning it again to the same tenant changes
  /// nothing (false); Errc::already_exists when another tenant has it.
  virtual Expected<bool> assign_number(const InboundNumberRecord& number) = 0;
  /// False when the tenant does not have this number.
  virtual Expected<bool> release_number(std::uint64_t tenant, const std::string& number) = 0;

  virtual Expected<void> insert_inbound(const InboundMessageRecord& message) = 0;
  virtual Expected<void> mark_handled(std::uint64_t inbound_id) = 0;

  virtual Expected<std::uint64_t> insert_keyword_reply(const KeywordReplyRecord& reply) = 0;
  virtual Expected<void> mark_reply_accepted(std::uint64_t reply_id) = 0;

  /// Replaces the tenant's keyword settings (JSON written by inbound/).
  virtual Expected<void> put_settings(std::uint64_t tenant, const std::string& json,
                                      std::int64_t now_ms) = 0;
};

class InboundStore {
 public:
  virtual ~InboundStore() = default;

  /// Writes inside `tx`, a transaction of the Store this InboundStore belongs to.
  virtual std::unique_ptr<InboundWrites> writes(WriteTransaction& tx) = 0;

  /// The assignment of a number (any tenant).
  virtual Expected<std::optional<InboundNumberRecord>> number(const std::string& number) = 0;
  /// The tenant's numbers, in number order.
  virtual Expected<std::vector<InboundNumberRecord>> numbers(std::uint64_t tenant) = 0;

  virtual Expected<std::optional<InboundMessageRecord>> inbound(std::uint64_t tenant,
                                                                std::uint64_t id) = 0;
  virtual Expected<std::vector<InboundMessageRecord>> inbound_page(const InboundQuery& query) = 0;
  virtual Expected<std::uint64_t> max_inbound_id() = 0;
  /// Messages whose keyword effects are still to be applied, oldest first.
  virtual Expected<std::vector<InboundMessageRecord>> unhandled_inbound(std::size_t limit) = 0;

  /// Replies to this subject at or after `since_ms`, oldest first.
  virtual Expected<std::vector<KeywordReplyRecord>> keyword_replies(std::uint64_t tenant,
                                                                    std::uint64_t subject_id,
                                                                    std::int64_t since_ms) = 0;
  /// Replies not yet accepted, oldest first.
  virtual Expected<std::vector<KeywordReplyRecord>> unaccepted_replies(std::size_t limit) = 0;

  /// The tenant's keyword settings JSON; nullopt: the defaults.
  virtual Expected<std::optional<std::string>> settings(std::uint64_t tenant) = 0;
};

}  // namespace diskret::store

#pragma once
/// Pipeline: accept -> persist (group commit) -> dispatch to carriers -> status updates.
/// The API, SMTP and SMPP front ends call accept(); the pipeline owns the dispatcher that
/// feeds the CarrierPool and applies submit outcomes and delivery receipts. No Asio here.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "pipeline/message.hpp"

namespace diskret::store {
class WriteTransaction;
}

namespace diskret::pipeline {

/// A batch from one request, committed atomically (all or nothing).
struct AcceptRequest {
  TenantId tenant;
  std::vector<NewMessage> messages;
  /// Idempotency-Key: when set, the key, the request fingerprint and `response` are stored
  /// in the same transaction; a later request with the same key gets the stored response.
  std::optional<std::string> idempotency_key;
  std::string fingerprint;    ///< hash of the request body (same key + other body -> conflict)
  std::string response;       ///< the response body to store with the key
  /// Renders `response` again when the pipeline rejects recipients itself (prepaid credit
  /// refused inside the commit); unset: the response is kept as it is.
  std::function<std::string(const std::vector<NewMessage>&)> render;
  /// Front ends' own rows kept with the messages (the SMPP receipt routing, the sender of a
  /// mail for its bounce): written in the request's savepoint after the messages, so they
  /// are durable exactly when the messages are. An error fails the request.
  std::function<Expected<void>(store::WriteTransaction&)> write_with;
  /// Names the request in every log line of its messages, from acceptance to the receipt
  /// (the HTTP X-Request-Id, or the SMTP/SMPP session's id); stored with each message.
  std::string request_id;
};

struct AcceptResult {
  std::vector<MessageId> ids;                ///< same order as messages (empty when replayed)
  std::optional<std::string> replayed;       ///< stored response of an earlier identical request
  std::optional<std::string> response;       ///< set when the pipeline re-rendered the response
  std::size_t unpaid = 0;                    ///< recipients rejected for insufficient credit
};

/// Filter for GET /v1/messages.
struct MessageFilter {
  std::optional<MessageStatus> status;
  std::optional<SystemTime> since;
  std::optional<SystemTime> until;
  std::optional<std::string> campaign;
  std::optional<MessageId> after;    ///< cursor: strictly older than this id (newest first)
  std::size_t limit = 50;
};

struct Stats {
  std::uint64_t accepted = 0, submitted = 0, delivered = 0, failed = 0, expired = 0, rejected = 0;
  std::uint64_t queue_depth = 0;     ///< accepted, not yet submitted
  std::uint64_t in_flight = 0;       ///< handed to carriers, outcome not yet committed
  std::uint64_t commit_queue = 0;    ///< accepted by accept(), not yet answered (durable)
  std::uint64_t receipts_unknown = 0;  ///< receipts naming no known carrier id
  std::uint64_t inbound = 0;         ///< mobile-originated messages received
};

class Pipeline {
 public:
  virtual ~Pipeline() = default;

  /// Assigns ids and commits; `done` runs (on a pipeline thread) only after the commit is
  /// durable, or with an error (Errc::unavailable when the database cannot write,
  /// Errc::already_exists for an idempotency key reused with another body).
  /// MessageIds are assigned before the commit and handed out via `preassign` so the
  /// caller can build the response (stored with the idempotency key) first.
  virtual std::vector<MessageId> preassign(std::size_t count) = 0;
  virtual void accept(AcceptRequest&& request, const std::vector<MessageId>& ids,
                      std::function<void(Expected<AcceptResult>)> done) = 0;
  /// Stored response for an idempotency key, if any (checked before doing any work).
  virtual Expected<std::optional<std::pair<std::string, std::string>>> find_idempotent(
      TenantId tenant, const std::string& key) = 0;  ///< (fingerprint, response)

  virtual Expected<MessageView> get(TenantId tenant, MessageId id) = 0;
  virtual Expected<std::vector<MessageView>> list(TenantId tenant, const MessageFilter& filter) = 0;
  virtual Stats stats() const = 0;
  virtual bool ready() const = 0;    ///< database writable and at least one carrier bound
  /// This node's id slot when several nodes share the database (nullopt: one node). The
  /// node's other ids (inbound messages, webhook events) carry it too, so that no two nodes
  /// draw the same id.
  virtual std::optional<unsigned> id_slot() const { return std::nullopt; }
};

}  // namespace diskret::pipeline

#pragma once
/// Notes that a front end keeps with a message it accepted, written in the same
/// transaction as the message so that a restart between acceptance and the final status
/// loses none: where the SMPP delivery receipt goes, and who gets a bounce mail. The
/// content is sealed by the caller (it names the customer's addresses); the store never
/// sees plaintext. Also the storage seam of the durable bounce outbox.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::store {

class WriteTransaction;

struct MessageNote {
  enum class Kind : std::uint8_t {
    smpp_receipt,  ///< table smpp_receipt_requests (migration 0071)
    mail_bounce,   ///< table mail_bounces (migration 0111)
  };
  Kind kind = Kind::smpp_receipt;
  std::uint64_t message_id = 0;
  std::uint64_t tenant_id = 0;
  std::int64_t keep_until = 0;  ///< epoch ms: no final status by then, the note is forgotten
  std::string sealed;
};

/// A message with a bounce note reached a final status that bounces.
struct BounceDue {
  std::string outcome;  ///< "failed", "expired" or "rejected"
  std::string reason;   ///< a sentence without personal data
  std::int64_t due_ms = 0;
  std::int64_t give_up_ms = 0;  ///< not sent by then: given up
};

/// A bounce to send (its final status is known).
struct BounceRow {
  std::uint64_t message_id = 0;
  std::uint64_t tenant_id = 0;
  std::string sealed_origin;
  std::string outcome;
  std::string reason;
  std::uint32_t attempts = 0;
  std::int64_t give_up_at = 0;
};

/// Writes inside the pipeline's transactions (the caller's WriteTransaction).
class MessageNotes {
 public:
  virtual ~MessageNotes() = default;
  /// With the message, in the transaction that accepts it (a note with the same message
  /// id and kind is replaced).
  virtual Expected<void> insert(WriteTransaction& tx, const MessageNote& note) = 0;
  /// In the transaction of final statuses: those of `message_ids` whose bounce note waits
  /// for one (whichever node accepted the mail).
  virtual Expected<std::vector<std::uint64_t>> waiting_bounces(
      WriteTransaction& tx, std::span<const std::uint64_t> message_ids) = 0;
  /// In the transaction of the message's final status: `due` schedules its bounce; none
  /// (delivered) deletes the note. Nothing happens to a message without a bounce note.
  virtual Expected<void> settle_bounce(WriteTransaction& tx, std::uint64_t message_id,
                                       const std::optional<BounceDue>& due) = 0;
  /// In the transaction of final statuses: the SMPP receipt requests of those of
  /// `message_ids` that have one, deleted. Whichever node writes a message's final status
  /// takes its request, once.
  virtual Expected<std::vector<MessageNote>> take_receipt_requests(
      WriteTransaction& tx, std::span<const std::uint64_t> message_ids) = 0;
  /// In the same transaction: the receipt made from a request, into the SMPP outbox
  /// (store::SmppOutboxStore), sealed by the caller.
  virtual Expected<void> add_deliver(WriteTransaction& tx, std::uint64_t tenant,
                                     std::int64_t keep_until, std::string_view sealed_pdu) = 0;
};

/// The bounce outbox, read and emptied by the notifier's worker (its rows are written by
/// MessageNotes inside the pipeline's transactions).
class BounceStore {
 public:
  virtual ~BounceStore() = default;
  /// Message ids whose bounce note waits for a final status (keep_until not passed).
  virtual Expected<std::vector<std::uint64_t>> waiting(std::int64_t now_ms) = 0;
  /// Up to `limit` bounces due at `now_ms`, oldest first, now held by the caller: not due
  /// again before `lease_until_ms` unless remove()d or retry()d (a node that dies holding
  /// them leaves them to another node after that). A bounce goes to one caller of several
  /// nodes.
  virtual Expected<std::vector<BounceRow>> claim_due(std::int64_t now_ms,
                                                     std::int64_t lease_until_ms,
                                                     std::size_t limit) = 0;
  /// Bounce rows stored, waiting for a final status or due.
  virtual Expected<std::size_t> count() = 0;
  /// Sent, given up or unreadable: deleted.
  virtual Expected<void> remove(std::uint64_t message_id) = 0;
  /// The relay refused: try again at `next_ms`.
  virtual Expected<void> retry(std::uint64_t message_id, std::uint32_t attempts,
                               std::int64_t next_ms) = 0;
  /// Deletes notes still waiting after their keep_until; returns how many.
  virtual Expected<std::size_t> forget_expired(std::int64_t now_ms) = 0;
  /// The earliest next attempt of a due bounce, if any.
  virtual Expected<std::optional<std::int64_t>> next_due() = 0;
};

}  // namespace diskret::store

#pragma once
/// Storage of deliver_sm for a tenant's SMPP receiver binds: every delivery receipt (written
/// in the transaction of its message's final status, by whichever node wrote it) and inbound
/// messages queued while no receiver is bound. A node with a receiver bound claims rows for
/// a while, delivers them and deletes them; what a dead node claimed goes to another node
/// once the claim runs out. The PDU is stored sealed by the caller; the store never sees
/// plaintext.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::store {

struct SmppOutboxRow {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::int64_t keep_until = 0;  ///< epoch ms; not delivered after this
  std::string sealed_pdu;
};

/// A message submitted by SMPP with registered_delivery, waiting for its final status
/// (written with the message: store::MessageNotes).
struct SmppReceiptRequestRow {
  std::uint64_t message_id = 0;
  std::uint64_t tenant_id = 0;
  std::int64_t keep_until = 0;  ///< epoch ms; forgotten after this
  std::string sealed_request;
};

class SmppOutboxStore {
 public:
  virtual ~SmppOutboxStore() = default;
  /// Stores one PDU; returns its id (increasing: delivery order).
  virtual Expected<std::uint64_t> add(std::uint64_t tenant, std::int64_t keep_until,
                                      std::string_view sealed_pdu) = 0;
  /// Up to `limit` of the tenant's rows that nobody holds, oldest first, now held by the
  /// caller until `lease_until_ms` (another caller gets them only after that). Rows whose
  /// keep_until is before `now_ms` are deleted first and never returned. Safe against
  /// concurrent claims from other connections and nodes: a row goes to one of them.
  virtual Expected<std::vector<SmppOutboxRow>> claim(std::uint64_t tenant, std::int64_t now_ms,
                                                     std::int64_t lease_until_ms,
                                                     std::size_t limit) = 0;
  /// Delivered (or can never be): deleted, in one transaction.
  virtual Expected<void> remove(std::span<const std::uint64_t> ids) = 0;
  /// Claimed rows given back undelivered (their receiver went away, the node stops): the
  /// next claim of any node gets them.
  virtual Expected<void> release(std::span<const std::uint64_t> ids) = 0;
  /// Rows stored for the tenant, claimed or not (expired ones included until the next
  /// claim()).
  virtual Expected<std::size_t> count(std::uint64_t tenant) = 0;

  /// Receipt requests still waiting for their message's final status, oldest first.
  virtual Expected<std::vector<SmppReceiptRequestRow>> requests() = 0;
  /// Deletes the requests whose keep_until is before `now_ms` (their message never
  /// reached a final status in time); returns how many.
  virtual Expected<std::size_t> forget_requests(std::int64_t now_ms) = 0;
};

}  // namespace diskret::store

#pragma once
/// Storage of deliver_sm waiting for a tenant's SMPP receiver bind (receipts and inbound
/// messages queued while none is bound), so that they survive a restart. The PDU is
/// stored sealed by the caller; the store never sees plaintext.
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

/// A message submitted by SMPP with registered_delivery, waiting for its final status.
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
  /// Up to `limit` of the tenant's rows with id > `after`, oldest first. Rows whose
  /// keep_until is before `now_ms` are deleted first and never returned.
  virtual Expected<std::vector<SmppOutboxRow>> pending(std::uint64_t tenant, std::int64_t now_ms,
                                                       std::uint64_t after, std::size_t limit) = 0;
  /// A PDU was delivered (or can never be): deletes it.
  virtual Expected<void> remove(std::uint64_t id) = 0;
  /// Rows stored for the tenant (expired ones included until the next pending()).
  virtual Expected<std::size_t> count(std::uint64_t tenant) = 0;

  /// Receipt requests, written in one transaction (a row with the same message id is
  /// replaced).
  virtual Expected<void> save_requests(std::span<const SmppReceiptRequestRow> rows) = 0;
  /// Every request whose keep_until is not before `now_ms` (older ones are deleted).
  virtual Expected<std::vector<SmppReceiptRequestRow>> load_requests(std::int64_t now_ms) = 0;
  /// Requests answered (their receipt was made) or given up, in one transaction.
  virtual Expected<void> remove_requests(std::span<const std::uint64_t> message_ids) = 0;
};

}  // namespace diskret::store

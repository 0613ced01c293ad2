#pragma once
/// The encrypted parts of stored rows: a message's recipient, text and client_ref (one
/// sealed payload under the person's subject key, or under the tenant key for a rejected
/// recipient that is no valid number) and an idempotency entry (under the tenant key).
/// The associated data names tenant, table, record and field.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "store/key_ring.hpp"
#include "store/records.hpp"

namespace diskret::pipeline {

struct Payload {
  std::string to;
  std::string text;
  std::string client_ref;
};

std::string seal_payload(const crypto::SecretKey& key, std::uint64_t tenant, std::uint64_t id,
                         const Payload& payload);
/// Opens a stored message's payload with its subject key (or the tenant key). Errc::not_found
/// when the subject key was destroyed, Errc::corrupt when the ciphertext does not open.
Expected<Payload> open_payload(store::KeyRing& keys, const store::MessageRecord& record);
/// Whether an open_payload() error is for good (erased, or damaged) rather than a key
/// store that cannot answer now: only then may the message be failed or skipped.
bool payload_gone(const Error& error);

std::string seal_idempotency(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                             const std::string& key, std::string_view fingerprint,
                             std::string_view response);
/// (fingerprint, response)
Expected<std::pair<std::string, std::string>> open_idempotency(const crypto::SecretKey& tenant_key,
                                                               const store::IdempotencyRecord& r);

/// "+" and 7 to 15 digits, the first not 0: numbers get a subject, anything else does not.
bool looks_like_e164(std::string_view to) noexcept;

}  // namespace diskret::pipeline

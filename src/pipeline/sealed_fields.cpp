#include "pipeline/sealed_fields.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "crypto/secret_box.hpp"

namespace diskret::pipeline {
namespace {

// Fields are framed as 4-byte little-endian length + bytes, so one seal (one nonce, one
// tag) covers the whole row: sealing is the writer's main CPU cost per message.
void put_field(std::string& out, std::string_view field) {
  const auto n = static_cast<std::uint32_t>(field.size());
  const std::array<char, 4> len = {static_cast<char>(n), static_cast<char>(n >> 8),
                                   static_cast<char>(n >> 16), static_cast<char>(n >> 24)};
  out.append(len.data(), len.size());
  out.append(field);
}

template <std::size_t N>
Expected<std::array<std::string, N>> split_fields(std::string_view in) {
  std::array<std::string, N> fields;
  for (auto& field : fields) {
    if (in.size() < 4) return fail(Errc::corrupt, "truncated sealed record");
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const std::uint32_t n = p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t{p[3]} << 24);
    in.remove_prefix(4);
    if (in.size() < n) return fail(Errc::corrupt, "truncated sealed record");
    field.assign(in.substr(0, n));
    in.remove_prefix(n);
  }
  if (!in.empty()) return fail(Errc::corrupt, "trailing bytes in sealed record");
  return fields;
}

std::string payload_ad(std::uint64_t tenant, std::uint64_t id) {
  return crypto::record_ad(tenant, "messages", id, "payload");
}

// The key is client-chosen text, so it goes after the fixed-format part of the AD.
std::string idempotency_ad(std::uint64_t tenant, const std::string& key) {
  return crypto::record_ad(tenant, "idempotency", 0, "entry") + "|" + key;
}

}  // namespace

std::string seal_payload(const crypto::SecretKey& key, std::uint64_t tenant, std::uint64_t id,
                         const Payload& payload) {
  std::string plain;
  plain.reserve(12 + payload.to.size() + payload.text.size() + payload.client_ref.size());
  put_field(plain, payload.to);
  put_field(plain, payload.text);
  put_field(plain, payload.client_ref);
  auto sealed = crypto::seal(key, plain, payload_ad(tenant, id));
  std::fill(plain.begin(), plain.end(), '\0');
  return sealed;
}

Expected<Payload> open_payload(store::KeyRing& keys, const store::MessageRecord& record) {
  crypto::SecretKey key;
  if (record.subject_id) {
    auto subject = keys.subject_key(record.tenant_id, *record.subject_id);
    if (!subject) return unexpected(subject.error());
    key = *subject;
  } else {
    auto tenant = keys.tenant(record.tenant_id);
    if (!tenant) return unexpected(tenant.error());
    key = (*tenant)->data_key;
  }
  auto plain = crypto::open(key, record.payload, payload_ad(record.tenant_id, record.id));
  if (!plain) return fail(Errc::corrupt, "a message payload does not open");
  auto fields = split_fields<3>(*plain);
  if (!fields) return unexpected(fields.error());
  return Payload{std::move((*fields)[0]), std::move((*fields)[1]), std::move((*fields)[2])};
}

bool payload_gone(const Error& error) {
  return error.code == make_error_code(Errc::not_found) ||
         error.code == make_error_code(Errc::corrupt);
}

std::string seal_idempotency(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                             const std::string& key, std::string_view fingerprint,
                             std::string_view response) {
  std::string plain;
  put_field(plain, fingerprint);
  put_field(plain, response);
  return crypto::seal(tenant_key, plain, idempotency_ad(tenant, key));
}

Expected<std::pair<std::string, std::string>> open_idempotency(const crypto::SecretKey& tenant_key,
                                                               const store::IdempotencyRecord& r) {
  auto plain = crypto::open(tenant_key, r.sealed, idempotency_ad(r.tenant_id, r.key));
  if (!plain) return fail(Errc::corrupt, "an idempotency entry does not open");
  auto fields = split_fields<2>(*plain);
  if (!fields) return unexpected(fields.error());
  return std::pair{std::move((*fields)[0]), std::move((*fields)[1])};
}

bool looks_like_e164(std::string_view to) noexcept {
  if (to.size() < 8 || to.size() > 16 || to[0] != '+' || to[1] == '0') return false;
  for (char c : to.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace diskret::pipeline

#include "smpp_server/credentials.hpp"

#include <array>

#include "crypto/password.hpp"

namespace diskret::smpp_server {
namespace {

constexpr std::string_view kAlphabet =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

SystemTime from_ms(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

Credential to_credential(const store::SmppCredentialRecord& r) {
  Credential c;
  c.id = r.id;
  c.tenant = TenantId{r.tenant_id};
  c.system_id = r.system_id;
  c.window = r.window;
  c.tps = r.tps;
  c.created_at = from_ms(r.created_at);
  if (r.revoked_at) c.revoked_at = from_ms(*r.revoked_at);
  return c;
}

}  // namespace

std::string hash_password(const crypto::SecretKey& pepper, std::string_view system_id,
                          std::string_view password) {
  // The system_id is part of the hashed input so that equal passwords of two credentials
  // do not give equal hashes.
  std::string input = "smpp";
  input.push_back('\0');
  input.append(system_id);
  input.push_back('\0');
  input.append(password);
  return crypto::hash_secret(pepper, input);
}

std::string random_alnum(std::size_t length) {
  std::string out;
  out.reserve(length);
  std::array<std::uint8_t, 64> buf{};
  while (out.size() < length) {
    crypto::random_bytes(buf);
    for (std::uint8_t b : buf) {
      // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
      if (b >= 248) continue;
      out.push_back(kAlphabet[b % kAlphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

CredentialService::CredentialService(store::SmppCredentialStore& store, crypto::SecretKey pepper,
                                     const Clock& clock)
    : store_(store), pepper_(pepper), clock_(clock) {}

Expected<CreatedCredential> CredentialService::create(TenantId tenant, std::uint32_t window,
                                                      std::uint32_t tps) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    store::SmppCredentialRecord r;
    r.tenant_id = tenant.value;
    // Lowercase only in the id: some ESME software upper- or lower-cases system_id.
    r.system_id = "dk";
    for (char c : random_alnum(kSystemIdLength - 2)) {
      r.system_id.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    std::string password = random_alnum(kPasswordLength);
    r.hash = hash_password(pepper_, r.system_id, password);
    r.window = window;
    r.tps = tps;
    r.created_at = clock_.now_ms();
    auto id = store_.insert(r);
    if (!id) {
      if (id.error().code == make_error_code(Errc::already_exists)) continue;  // id collision
      return unexpected(id.error());
    }
    r.id = *id;
    return CreatedCredential{to_credential(r), std::move(password)};
  }
  return fail(Errc::internal, "Could not find a free system_id.");
}

Expected<std::vector<Credential>> CredentialService::list(TenantId tenant) {
  auto rows = store_.list(tenant.value);
  if (!rows) return unexpected(rows.error());
  std::vector<Credential> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(to_credential(r));
  return out;
}

Expected<void> CredentialService::revoke(TenantId tenant, std::string_view system_id) {
  auto done = store_.revoke(tenant.value, system_id, clock_.now_ms());
  if (!done) return unexpected(done.error());
  if (!*done) return fail(Errc::not_found, "No active SMPP credential with this system_id.");
  if (on_revoke_) on_revoke_(std::string(system_id));
  return {};
}

Expected<Credential> CredentialService::verify(std::string_view system_id,
                                               std::string_view password) {
  auto row = store_.find(system_id);
  if (!row) return unexpected(row.error());
  // The hash is computed even for an unknown id so both failures cost the same time.
  const std::string hash = hash_password(pepper_, system_id, password);
  const bool match = *row && crypto::constant_time_equal(hash, (*row)->hash);
  if (!match || (*row)->revoked_at) {
    return fail(Errc::permission_denied, "Unknown system_id or wrong password.");
  }
  return to_credential(**row);
}

}  // namespace diskret::smpp_server

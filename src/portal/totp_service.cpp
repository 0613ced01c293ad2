#include "portal/totp_service.hpp"

#include "crypto/digest.hpp"
#include "crypto/secret.hpp"
#include "crypto/secret_box.hpp"
#include "portal/totp.hpp"

namespace diskret::portal {
namespace {

constexpr std::string_view kGet =
    "SELECT secret, confirmed_at, last_step FROM portal_totp WHERE tenant_id = ? AND user_id = ?";
constexpr std::string_view kPut =
    "INSERT INTO portal_totp(tenant_id, user_id, secret, created_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(tenant_id, user_id) DO UPDATE SET secret = excluded.secret, "
    "created_at = excluded.created_at, confirmed_at = NULL, last_step = 0";
constexpr std::string_view kUse =
    "UPDATE portal_totp SET last_step = ?, confirmed_at = COALESCE(confirmed_at, ?) "
    "WHERE tenant_id = ? AND user_id = ? AND last_step < ?";
constexpr std::string_view kUseNoConfirm =
    "UPDATE portal_totp SET last_step = ? "
    "WHERE tenant_id = ? AND user_id = ? AND last_step < ? AND confirmed_at IS NOT NULL";
constexpr std::string_view kDelete = "DELETE FROM portal_totp WHERE tenant_id = ? AND user_id = ?";

constexpr std::string_view kDropCodes =
    "DELETE FROM portal_totp_recovery WHERE tenant_id = ? AND user_id = ?";
constexpr std::string_view kAddCode =
    "INSERT INTO portal_totp_recovery(tenant_id, user_id, code_hash, created_at) "
    "VALUES (?, ?, ?, ?)";
constexpr std::string_view kUseCode =
    "UPDATE portal_totp_recovery SET used_at = ? WHERE tenant_id = ? AND user_id = ? "
    "AND code_hash = ? AND used_at IS NULL AND EXISTS (SELECT 1 FROM portal_totp t WHERE "
    "t.tenant_id = portal_totp_recovery.tenant_id AND t.user_id = portal_totp_recovery.user_id "
    "AND t.confirmed_at IS NOT NULL)";
constexpr std::string_view kCodesLeft =
    "SELECT count(*) FROM portal_totp_recovery WHERE tenant_id = ? AND user_id = ? "
    "AND used_at IS NULL";

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kRecoveryChars = 10;

// Upper case without dashes and spaces; empty when it cannot be a recovery code.
std::string normalized_recovery(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    // Base32 has no 0, 1 or 8: someone reading a printed code means O, I and B.
    if (c == '0') c = 'O';
    if (c == '1') c = 'I';
    if (c == '8') c = 'B';
    if (kBase32.find(c) == std::string_view::npos) return {};
    out.push_back(c);
  }
  return out.size() == kRecoveryChars ? out : std::string{};
}

constexpr std::size_t kSecretBytes = 20;  // 160 bits, RFC 4226's recommendation

std::string ad_of(std::uint64_t tenant, std::uint64_t user) {
  return crypto::record_ad(tenant, "portal_totp", user, "secret");
}

}  // namespace

Expected<std::unique_ptr<TotpService>> TotpService::open(const std::filesystem::path& main_path,
                                                         store::KeyRing& keys, const Clock& clock) {
  auto db = store::sqlite::SqliteDb::open_beside(main_path, std::chrono::milliseconds{5'000});
  if (!db) return unexpected(db.error());
  return std::make_unique<TotpService>(std::make_unique<store::sqlite::SqliteDb>(std::move(*db)), keys, clock);
}

TotpService::TotpService(std::unique_ptr<store::SqlDb> db, store::KeyRing& keys, const Clock& clock)
    : db_(std::move(db)), keys_(keys), clock_(clock) {}

Expected<std::optional<TotpService::Row>> TotpService::row(std::uint64_t tenant, std::uint64_t user) {
  auto s = db_->use(kGet);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, user);
  auto has = (*s)->step();
  if (!has) return unexpected(has.error());
  if (!*has) return std::optional<Row>{};
  return std::optional<Row>{Row{(*s)->blob(0), !(*s)->is_null(1), (*s)->int64(2)}};
}

Expected<std::string> TotpService::secret_of(std::uint64_t tenant, std::uint64_t user, const Row& r) {
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  return crypto::open((*keys)->data_key, r.sealed, ad_of(tenant, user));
}

Expected<TotpEnrolment> TotpService::enrol(std::uint64_t tenant, std::uint64_t user,
                                           std::string_view issuer, std::string_view account) {
  std::lock_guard lock(mutex_);
  auto existing = row(tenant, user);
  if (!existing) return unexpected(existing.error());
  if (*existing && (*existing)->confirmed) {
    return fail(Errc::already_exists, "a second factor is already on");
  }
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  std::string secret(kSecretBytes, '\0');
  crypto::random_bytes({reinterpret_cast<std::uint8_t*>(secret.data()), secret.size()});
  const std::string b32 = base32_encode(secret);
  // bind_blob does not copy: the sealed bytes must live until run().
  const std::string sealed = crypto::seal((*keys)->data_key, secret, ad_of(tenant, user));
  crypto::secure_wipe(secret.data(), secret.size());
  auto s = db_->use(kPut);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, user);
  (*s)->bind_blob(3, sealed);
  (*s)->bind(4, clock_.now_ms());
  auto ok = (*s)->run();
  if (!ok) return unexpected(ok.error());
  return TotpEnrolment{b32, otpauth_uri(issuer, account, b32)};
}

Expected<bool> TotpService::use_code(std::uint64_t tenant, std::uint64_t user,
                                     std::string_view code, bool confirm) {
  auto r = row(tenant, user);
  if (!r) return unexpected(r.error());
  if (!*r || (!confirm && !(*r)->confirmed)) return false;
  auto secret = secret_of(tenant, user, **r);
  if (!secret) return unexpected(secret.error());
  auto step = totp_match(*secret, code, clock_.now());
  if (!step || static_cast<std::int64_t>(*step) <= (*r)->last_step) return false;
  auto s = db_->use(confirm ? kUse : kUseNoConfirm);
  if (!s) return unexpected(s.error());
  const auto used = static_cast<std::int64_t>(*step);
  if (confirm) {
    (*s)->bind(1, used);
    (*s)->bind(2, clock_.now_ms());
    (*s)->bind(3, tenant);
    (*s)->bind(4, user);
    (*s)->bind(5, used);
  } else {
    (*s)->bind(1, used);
    (*s)->bind(2, tenant);
    (*s)->bind(3, user);
    (*s)->bind(4, used);
  }
  auto ok = (*s)->run();
  if (!ok) return unexpected(ok.error());
  return db_->changes() > 0;
}

Expected<bool> TotpService::confirm(std::uint64_t tenant, std::uint64_t user, std::string_view code) {
  std::lock_guard lock(mutex_);
  return use_code(tenant, user, code, true);
}

Expected<bool> TotpService::check(std::uint64_t tenant, std::uint64_t user, std::string_view code) {
  std::lock_guard lock(mutex_);
  return use_code(tenant, user, code, false);
}

Expected<bool> TotpService::enabled(std::uint64_t tenant, std::uint64_t user) {
  std::lock_guard lock(mutex_);
  auto r = row(tenant, user);
  if (!r) return unexpected(r.error());
  return *r && (*r)->confirmed;
}

Expected<void> TotpService::disable(std::uint64_t tenant, std::uint64_t user) {
  std::lock_guard lock(mutex_);
  for (auto sql : {kDropCodes, kDelete}) {
    auto s = db_->use(sql);
    if (!s) return unexpected(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind(2, user);
    if (auto ok = (*s)->run(); !ok) return ok;
  }
  return {};
}

Expected<std::optional<std::string>> TotpService::recovery_hash(std::uint64_t tenant,
                                                                std::uint64_t user,
                                                                std::string_view code) {
  const std::string normal = normalized_recovery(code);
  if (normal.empty()) return std::optional<std::string>{};
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  // 50 random bits per code: a keyed fast hash is enough (no Argon2id), and the key keeps
  // a copy of the table from being searched offline without the tenant's key.
  return std::optional<std::string>{crypto::hmac_sha256_hex(
      (*keys)->data_key, "portal_totp_recovery\n" + std::to_string(user) + "\n" + normal)};
}

Expected<std::vector<std::string>> TotpService::new_recovery_codes(std::uint64_t tenant,
                                                                   std::uint64_t user) {
  std::vector<std::string> codes;
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < kRecoveryCodes; ++i) {
    std::uint8_t random[kRecoveryChars];
    crypto::random_bytes(random);
    std::string code;
    for (std::size_t j = 0; j < kRecoveryChars; ++j) {
      if (j == kRecoveryChars / 2) code.push_back('-');
      code.push_back(kBase32[random[j] & 31]);  // 256 = 8 * 32: uniform
    }
    auto hash = recovery_hash(tenant, user, code);
    if (!hash) return unexpected(hash.error());
    codes.push_back(std::move(code));
    hashes.push_back(std::move(**hash));
  }
  std::lock_guard lock(mutex_);
  if (auto ok = db_->begin(); !ok) return unexpected(ok.error());
  auto rollback = [&](Error e) -> Expected<std::vector<std::string>> {
    (void)db_->exec("ROLLBACK");
    return unexpected(std::move(e));
  };
  {
    auto s = db_->use(kDropCodes);
    if (!s) return rollback(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind(2, user);
    if (auto ok = (*s)->run(); !ok) return rollback(ok.error());
  }
  for (const auto& hash : hashes) {
    auto s = db_->use(kAddCode);
    if (!s) return rollback(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind(2, user);
    (*s)->bind_text(3, hash);
    (*s)->bind(4, clock_.now_ms());
    if (auto ok = (*s)->run(); !ok) return rollback(ok.error());
  }
  if (auto ok = db_->exec("COMMIT"); !ok) return rollback(ok.error());
  return codes;
}

Expected<bool> TotpService::use_recovery_code(std::uint64_t tenant, std::uint64_t user,
                                              std::string_view code) {
  auto hash = recovery_hash(tenant, user, code);
  if (!hash) return unexpected(hash.error());
  if (!*hash) return false;
  std::lock_guard lock(mutex_);
  auto s = db_->use(kUseCode);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, clock_.now_ms());
  (*s)->bind(2, tenant);
  (*s)->bind(3, user);
  (*s)->bind_text(4, **hash);
  auto ok = (*s)->run();
  if (!ok) return unexpected(ok.error());
  return db_->changes() > 0;
}

Expected<std::size_t> TotpService::recovery_codes_left(std::uint64_t tenant, std::uint64_t user) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kCodesLeft);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, user);
  auto has = (*s)->step();
  if (!has) return unexpected(has.error());
  return static_cast<std::size_t>(*has ? (*s)->int64(0) : 0);
}

}  // namespace diskret::portal

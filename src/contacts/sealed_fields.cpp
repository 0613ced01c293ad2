#include "contacts/sealed_fields.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "contacts/text_checks.hpp"
#include "core/hex.hpp"
#include "crypto/secret_box.hpp"

namespace diskret::contacts {
namespace {

// Fields are framed as 4-byte little-endian length + bytes: one seal (one nonce, one tag)
// covers the whole row.
void put(std::string& out, std::string_view field) {
  const auto n = static_cast<std::uint32_t>(field.size());
  const std::array<char, 4> len = {static_cast<char>(n), static_cast<char>(n >> 8),
                                   static_cast<char>(n >> 16), static_cast<char>(n >> 24)};
  out.append(len.data(), len.size());
  out.append(field);
}

class Fields {
 public:
  explicit Fields(std::string_view in) : in_(in) {}
  bool take(std::string& out) {
    if (in_.size() < 4) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(in_.data());
    const std::uint32_t n = p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t{p[3]} << 24);
    in_.remove_prefix(4);
    if (in_.size() < n) return false;
    out.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

// Plaintext copies are wiped before they are freed.
struct Wiped {
  std::string s;
  ~Wiped() { std::fill(s.begin(), s.end(), '\0'); }
};

Expected<Wiped> open_blob(const crypto::SecretKey& key, std::string_view sealed,
                          const std::string& ad, const char* what) {
  auto plain = crypto::open(key, sealed, ad);
  if (!plain) return fail(diskret::Errc::corrupt, std::string(what) + " does not open");
  return Wiped{std::move(*plain)};
}

}  // namespace

std::string seal_contact(const crypto::SecretKey& subject_key, std::uint64_t tenant,
                         std::uint64_t subject_id, const ContactPlain& c) {
  Wiped plain;
  put(plain.s, c.phone);
  put(plain.s, c.first_name);
  put(plain.s, c.last_name);
  put(plain.s, std::to_string(c.fields.size()));
  for (const auto& [key, value] : c.fields) {
    put(plain.s, key);
    put(plain.s, value);
  }
  return crypto::seal(subject_key, plain.s,
                      crypto::record_ad(tenant, "contacts", subject_id, "person"));
}

Expected<ContactPlain> open_contact(const crypto::SecretKey& subject_key, std::uint64_t tenant,
                                    std::uint64_t subject_id, std::string_view sealed) {
  auto plain = open_blob(subject_key, sealed,
                         crypto::record_ad(tenant, "contacts", subject_id, "person"), "a contact");
  if (!plain) return unexpected(plain.error());
  Fields in(plain->s);
  ContactPlain c;
  std::string count;
  if (!in.take(c.phone) || !in.take(c.first_name) || !in.take(c.last_name) || !in.take(count)) {
    return fail(diskret::Errc::corrupt, "a contact record is truncated");
  }
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
  if (ec != std::errc{} || end != count.data() + count.size() || n > kMaxCustomFields) {
    return fail(diskret::Errc::corrupt, "a contact record is malformed");
  }
  c.fields.resize(n);
  for (auto& [key, value] : c.fields) {
    if (!in.take(key) || !in.take(value)) {
      return fail(diskret::Errc::corrupt, "a contact record is truncated");
    }
  }
  if (!in.done()) return fail(diskret::Errc::corrupt, "a contact record has trailing bytes");
  return c;
}

std::string seal_suppression(const crypto::SecretKey& subject_key, std::uint64_t tenant,
                             std::uint64_t subject_id, const SuppressionPlain& s) {
  Wiped plain;
  put(plain.s, s.phone);
  put(plain.s, s.reason);
  return crypto::seal(subject_key, plain.s,
                      crypto::record_ad(tenant, "suppressions", subject_id, "entry"));
}

Expected<SuppressionPlain> open_suppression(const crypto::SecretKey& subject_key,
                                            std::uint64_t tenant, std::uint64_t subject_id,
                                            std::string_view sealed) {
  auto plain =
      open_blob(subject_key, sealed, crypto::record_ad(tenant, "suppressions", subject_id, "entry"),
                "a suppression");
  if (!plain) return unexpected(plain.error());
  Fields in(plain->s);
  SuppressionPlain s;
  if (!in.take(s.phone) || !in.take(s.reason) || !in.done()) {
    return fail(diskret::Errc::corrupt, "a suppression record is malformed");
  }
  return s;
}

namespace {
std::string email_ad(std::uint64_t tenant, const crypto::BlindIndex& blind) {
  return crypto::record_ad(tenant, "users", 0, "email") + "|" +
         to_hex(std::span<const std::uint8_t>(blind));
}
}  // namespace

std::string seal_email(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                       const crypto::BlindIndex& email_blind, std::string_view email) {
  return crypto::seal(tenant_key, email, email_ad(tenant, email_blind));
}

Expected<std::string> open_email(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                                 const crypto::BlindIndex& email_blind, std::string_view sealed) {
  auto plain = crypto::open(tenant_key, sealed, email_ad(tenant, email_blind));
  if (!plain) return fail(diskret::Errc::corrupt, "a user's email does not open");
  return std::move(*plain);
}

std::string canonical_email(std::string_view email) { return ascii_lower(trim(email)); }

}  // namespace diskret::contacts

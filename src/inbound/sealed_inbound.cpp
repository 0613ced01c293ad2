#include "inbound/sealed_inbound.hpp"

#include <algorithm>

#include "crypto/digest.hpp"
#include "crypto/secret_box.hpp"

namespace diskret::inbound {
namespace {

// "<decimal length of from>:" from text: one seal covers both fields.
std::string frame(const MoPlain& mo) {
  std::string out = std::to_string(mo.from.size());
  out.push_back(':');
  out.append(mo.from);
  out.append(mo.text);
  return out;
}

Expected<MoPlain> unframe(std::string_view in) {
  const std::size_t colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 4) {
    return fail(diskret::Errc::corrupt, "malformed sealed inbound message");
  }
  std::size_t n = 0;
  for (char c : in.substr(0, colon)) {
    if (c < '0' || c > '9') return fail(diskret::Errc::corrupt, "malformed sealed inbound message");
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  in.remove_prefix(colon + 1);
  if (n > in.size()) return fail(diskret::Errc::corrupt, "truncated sealed inbound message");
  return MoPlain{std::string(in.substr(0, n)), std::string(in.substr(n))};
}

}  // namespace

std::string seal_mo(const crypto::SecretKey& key, std::uint64_t tenant, std::uint64_t id,
                    const MoPlain& mo) {
  std::string plain = frame(mo);
  auto sealed =
      crypto::seal(key, plain, crypto::record_ad(tenant, "inbound_messages", id, "payload"));
  crypto::secure_wipe(plain.data(), plain.size());
  return sealed;
}

Expected<MoPlain> open_mo(const crypto::SecretKey& key, std::uint64_t tenant, std::uint64_t id,
                          std::string_view sealed) {
  auto plain =
      crypto::open(key, sealed, crypto::record_ad(tenant, "inbound_messages", id, "payload"));
  if (!plain) return fail(diskret::Errc::corrupt, "an inbound message does not open");
  auto mo = unframe(*plain);
  crypto::secure_wipe(plain->data(), plain->size());
  return mo;
}

std::string seal_webhook_secret(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                                std::string_view secret) {
  return crypto::seal(tenant_key, secret, crypto::record_ad(tenant, "webhooks", tenant, "secret"));
}

Expected<std::string> open_webhook_secret(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                                          std::string_view sealed) {
  auto plain =
      crypto::open(tenant_key, sealed, crypto::record_ad(tenant, "webhooks", tenant, "secret"));
  if (!plain) return fail(diskret::Errc::corrupt, "the webhook secret does not open");
  return std::move(*plain);
}

}  // namespace diskret::inbound

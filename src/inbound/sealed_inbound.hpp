#pragma once
/// The encrypted parts of inbound rows: an MO's sender and text (one sealed blob under the
/// sender's subject key, or under the tenant key when the sender is no phone number) and a
/// webhook's signing secret (under the tenant key). The associated data binds each blob to
/// its tenant, table and record, so a blob moved to another row does not open.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "crypto/secret.hpp"

namespace diskret::inbound {

struct MoPlain {
  std::string from;  ///< E.164, or as received when not a phone number
  std::string text;  ///< UTF-8
  friend bool operator==(const MoPlain&, const MoPlain&) = default;
};

std::string seal_mo(const crypto::SecretKey& key, std::uint64_t tenant, std::uint64_t id,
                    const MoPlain& mo);
/// diskret::Errc::corrupt when the blob does not open (wrong key, row or tampering).
Expected<MoPlain> open_mo(const crypto::SecretKey& key, std::uint64_t tenant, std::uint64_t id,
                          std::string_view sealed);

std::string seal_webhook_secret(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                                std::string_view secret);
Expected<std::string> open_webhook_secret(const crypto::SecretKey& tenant_key, std::uint64_t tenant,
                                          std::string_view sealed);

}  // namespace diskret::inbound

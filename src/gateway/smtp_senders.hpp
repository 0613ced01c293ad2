#pragma once
/// SmtpSenders: sender addresses a tenant registered for email to SMS without SMTP AUTH
/// (an ERP that cannot authenticate). A sender address alone is easy to forge, so each
/// comes with the networks its mail may arrive from; both must match. Addresses are sealed
/// under the tenant's data key and found by a keyed hash (one address, one tenant).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/key_ring.hpp"
#include "store/smtp_sender_store.hpp"

namespace diskret::gateway {

/// An IPv4 or IPv6 network ("192.0.2.0/24", "2001:db8::/32"; a bare address is /32, /128).
class Network {
 public:
  /// Errc::invalid_argument with a sentence for anything else (host bits set included).
  static Expected<Network> parse(std::string_view text);
  /// False for an address that does not parse or is of the other family.
  bool contains(std::string_view address) const;
  std::string to_string() const;

 private:
  bool v6_ = false;
  std::uint8_t bytes_[16] = {};
  unsigned prefix_ = 0;
};

struct SmtpSender {
  std::uint64_t id = 0;
  std::string address;
  std::vector<std::string> networks;
  SystemTime created_at;
};

class SmtpSenders {
 public:
  SmtpSenders(store::SmtpSenderStore& store, store::KeyRing& keys, const Clock& clock);

  /// Errc::invalid_argument (bad address or network, none given, more than 16),
  /// Errc::already_exists (the address is registered, by this or another tenant).
  Expected<SmtpSender> add(std::uint64_t tenant, std::string_view address,
                           const std::vector<std::string>& networks);
  Expected<std::vector<SmtpSender>> list(std::uint64_t tenant);
  /// Errc::not_found when the tenant has no such sender.
  Expected<void> remove(std::uint64_t tenant, std::uint64_t id);
  /// The tenant that registered `address` for a network holding `client_ip`; nullopt when
  /// none did (or the client is outside its networks).
  Expected<std::optional<std::uint64_t>> resolve(std::string_view address,
                                                 std::string_view client_ip);

 private:
  std::string index_of(std::string_view address) const;
  static std::string ad(std::uint64_t tenant);

  store::SmtpSenderStore& store_;
  store::KeyRing& keys_;
  const Clock& clock_;
  crypto::SecretKey index_key_;
};

}  // namespace diskret::gateway

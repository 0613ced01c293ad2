#pragma once
/// RecipientGate: the opt-out and consent rules at acceptance, for every path that sends
/// (API, campaigns, email-to-SMS, SMPP): a suppressed number is blocked whatever the
/// category; marketing also needs granted consent. One read per recipient, no decryption.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/contact_store.hpp"
#include "store/key_ring.hpp"

namespace diskret::contacts {

enum class Block : std::uint8_t {
  none,
  suppressed,  ///< "suppressed": the number opted out
  no_consent,  ///< "no_consent": marketing without granted consent
};
const char* block_code(Block b) noexcept;    ///< "suppressed", "no_consent" ("" for none)
const char* block_detail(Block b) noexcept;  ///< one sentence, no personal data

class RecipientGate {
 public:
  RecipientGate(store::ContactStore& contacts, store::KeyRing& keys)
      : contacts_(contacts), keys_(keys) {}

  /// One verdict per number, in order. `e164` holds E.164 numbers (other entries are
  /// answered Block::none: they are rejected for their own reasons elsewhere).
  Expected<std::vector<Block>> check(std::uint64_t tenant, bool marketing,
                                     std::span<const std::string> e164);

 private:
  store::ContactStore& contacts_;
  store::KeyRing& keys_;
};

}  // namespace diskret::contacts

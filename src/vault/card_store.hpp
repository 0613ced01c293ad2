#pragma once
/// The vault's card table. The PAN and the holder name are sealed with the active data
/// key (associated data binds each ciphertext to its token and field); brand, first six
/// and last four digits and the expiry stay readable. Tokens are random, unrelated to
/// the number. The CVC has no place here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "vault/card_number.hpp"
#include "vault/data_keys.hpp"
#include "vault/sqlite.hpp"

namespace diskret::vault {

struct CardRecord {
  std::string token;
  std::string owner;
  Brand brand = Brand::visa;
  std::string first6;
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
  std::int64_t created_at_ms = 0;
  bool deleted = false;
};

/// "tok_" + 24 URL-safe random characters (144 bits).
std::string new_card_token();

class CardStore {
 public:
  CardStore(Database& db, DataKeys& keys, const Clock& clock) : db_(db), keys_(keys), clock_(clock) {}

  /// Seals and inserts the card for `owner` (in the caller's transaction, if any).
  Expected<CardRecord> insert(const ValidCard& card, std::string_view owner);
  /// The card, deleted or not; nullopt when the token is unknown.
  Expected<std::optional<CardRecord>> find(std::string_view token) const;
  /// The owner's cards that are not deleted, oldest first.
  Expected<std::vector<CardRecord>> list(std::string_view owner) const;
  /// Opens the PAN for an authorisation. Errc::not_found for unknown or deleted cards.
  Expected<SensitiveDigits> open_pan(std::string_view token) const;
  /// Marks the owner's card deleted and erases its ciphertexts. False when there is no
  /// such (undeleted) card of this owner.
  Expected<bool> erase(std::string_view owner, std::string_view token);
  /// Re-seals every stored card under the active data key (key rotation). Returns the
  /// number of cards re-sealed.
  Expected<std::size_t> reseal_all();

 private:
  Database& db_;
  DataKeys& keys_;
  const Clock& clock_;
};

}  // namespace diskret::vault

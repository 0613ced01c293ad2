#pragma once
/// TotpService: portal users' optional second factor. enrol() stores a fresh secret (sealed
/// under the tenant's data key, in portal_totp on a connection of its own) and returns it
/// with its otpauth:// URI for the QR code; confirm() switches it on once a code from the
/// app matches; from then on check() is needed at login. A code is accepted once only.
/// Recovery codes (portal_totp_recovery): ten random codes of 10 base32 characters
/// ("ABCDE-FGHJK", 50 bits each), of which only an HMAC-SHA256 under the tenant's data key
/// is stored; each is accepted once at login instead of a TOTP code.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/key_ring.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::portal {

struct TotpEnrolment {
  std::string secret;  ///< base32, shown once
  std::string uri;     ///< otpauth://totp/...
};

class TotpService {
 public:
  /// Opens portal_totp beside the main database (migrated by SqliteStore).
  static Expected<std::unique_ptr<TotpService>> open(const std::filesystem::path& main_path,
                                                     store::KeyRing& keys, const Clock& clock);
  TotpService(std::unique_ptr<store::SqlDb> db, store::KeyRing& keys, const Clock& clock);

  /// A new, unconfirmed secret for the user (replaces an unconfirmed one; Errc::already_exists
  /// when a confirmed one is on: disable it first).
  Expected<TotpEnrolment> enrol(std::uint64_t tenant, std::uint64_t user, std::string_view issuer,
                                std::string_view account);
  /// Switches the enrolled secret on when `code` matches; false otherwise.
  Expected<bool> confirm(std::uint64_t tenant, std::uint64_t user, std::string_view code);
  /// Whether the user has a confirmed second factor.
  Expected<bool> enabled(std::uint64_t tenant, std::uint64_t user);
  /// A login code of a user with a confirmed factor; each code is accepted once.
  Expected<bool> check(std::uint64_t tenant, std::uint64_t user, std::string_view code);
  /// Switches the factor off and deletes its recovery codes.
  Expected<void> disable(std::uint64_t tenant, std::uint64_t user);

  static constexpr std::size_t kRecoveryCodes = 10;
  /// Fresh recovery codes for the user (the previous ones stop working); shown once.
  Expected<std::vector<std::string>> new_recovery_codes(std::uint64_t tenant, std::uint64_t user);
  /// Accepts an unused recovery code of a user with a confirmed factor once (case, spaces
  /// and dashes do not matter).
  Expected<bool> use_recovery_code(std::uint64_t tenant, std::uint64_t user,
                                   std::string_view code);
  /// How many unused recovery codes the user has.
  Expected<std::size_t> recovery_codes_left(std::uint64_t tenant, std::uint64_t user);

 private:
  struct Row {
    std::string sealed;
    bool confirmed = false;
    std::int64_t last_step = 0;
  };
  Expected<std::optional<Row>> row(std::uint64_t tenant, std::uint64_t user);
  /// The stored form of a recovery code (nullopt: not shaped like one).
  Expected<std::optional<std::string>> recovery_hash(std::uint64_t tenant, std::uint64_t user,
                                                     std::string_view code);
  Expected<std::string> secret_of(std::uint64_t tenant, std::uint64_t user, const Row& r);
  /// Matches `code` against the row's secret, refusing replays, and stores the used step
  /// (and confirms the row when `confirm`).
  Expected<bool> use_code(std::uint64_t tenant, std::uint64_t user, std::string_view code,
                          bool confirm);

  std::mutex mutex_;
  std::unique_ptr<store::SqlDb> db_;
  store::KeyRing& keys_;
  const Clock& clock_;
};

}  // namespace diskret::portal

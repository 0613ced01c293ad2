#pragma once
/// LoginThrottle: backoff after repeated failed logins, per account (tenant + email) and
/// per client address. After `free_failures` failures in a row, each further attempt must
/// wait `first_lock`, doubling per failure up to `max_lock`; a success clears the account.
/// Pure apart from the injected clock; in memory, and with persist_in() also in the main
/// database (portal_login_failures, keys stored as SHA-256 only), so a restart forgets
/// nothing.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::portal {

struct ThrottleOptions {
  unsigned free_failures = 5;           ///< per account
  unsigned free_failures_per_ip = 20;   ///< per client address (many accounts)
  std::chrono::seconds first_lock{30};
  std::chrono::seconds max_lock{15 * 60};
};

class LoginThrottle {
 public:
  explicit LoginThrottle(const Clock& clock, ThrottleOptions options = {});

  /// How long the caller must still wait before trying this account from this address;
  /// zero = may try now.
  std::chrono::seconds wait(std::string_view account, std::string_view ip);
  void failed(std::string_view account, std::string_view ip);
  void succeeded(std::string_view account);
  /// Reads the failures kept in `db` (a connection beside the main store's), drops the
  /// stale ones (unlocked, untouched for a day) and writes every change from now on.
  /// Database errors are logged; the throttle then works from memory.
  void persist_in(store::sqlite::SqliteDb db);
  /// The same on any connection to the main database (SqlHost::sql_connect()).
  void persist_in(std::unique_ptr<store::SqlDb> db);

 private:
  struct Entry {
    unsigned failures = 0;
    SystemTime locked_until{};
  };
  using Map = std::map<std::string, Entry, std::less<>>;
  /// `key` is already hashed; kind 0 = account, 1 = address (the table's kind column).
  void fail_one(Map& map, int kind, const std::string& key, unsigned free, SystemTime now);
  void store(int kind, const std::string& key, const Entry& e, SystemTime now);
  void forget(int kind, const std::string& key);

  const Clock& clock_;
  ThrottleOptions options_;
  std::mutex mutex_;
  Map accounts_;   ///< by hex SHA-256 of the account key
  Map addresses_;  ///< by hex SHA-256 of the address
  std::unique_ptr<store::SqlDb> db_;
};

}  // namespace diskret::portal

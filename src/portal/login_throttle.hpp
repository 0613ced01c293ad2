#pragma once
/// LoginThrottle: backoff after repeated failed logins, per account (tenant + email) and
/// per client address. After `free_failures` failures in a row, each further attempt must
/// wait `first_lock`, doubling per failure up to `max_lock`; a success clears the account.
/// Pure apart from the injected clock, in memory (a restart forgets it).
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"

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

 private:
  struct Entry {
    unsigned failures = 0;
    SystemTime locked_until{};
  };
  void fail_one(std::map<std::string, Entry, std::less<>>& map, std::string_view key,
                unsigned free, SystemTime now);

  const Clock& clock_;
  ThrottleOptions options_;
  std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> accounts_;
  std::map<std::string, Entry, std::less<>> addresses_;
};

}  // namespace diskret::portal

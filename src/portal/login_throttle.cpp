#include "portal/login_throttle.hpp"

#include <algorithm>

namespace diskret::portal {
namespace {

// Bounds memory under a spray of random accounts: entries are dropped once this many are
// kept, oldest lock first would need an index; dropping all unlocked ones is enough.
constexpr std::size_t kMaxEntries = 100'000;

}  // namespace

LoginThrottle::LoginThrottle(const Clock& clock, ThrottleOptions options)
    : clock_(clock), options_(options) {}

std::chrono::seconds LoginThrottle::wait(std::string_view account, std::string_view ip) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  SystemTime until{};
  if (auto it = accounts_.find(account); it != accounts_.end()) until = it->second.locked_until;
  if (auto it = addresses_.find(ip); it != addresses_.end()) {
    until = std::max(until, it->second.locked_until);
  }
  if (until <= now) return std::chrono::seconds{0};
  // Round up: "wait 0 s" while still locked would invite an immediate retry.
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void LoginThrottle::fail_one(std::map<std::string, Entry, std::less<>>& map, std::string_view key,
                             unsigned free, SystemTime now) {
  if (map.size() >= kMaxEntries) {
    std::erase_if(map, [&](const auto& e) { return e.second.locked_until <= now; });
  }
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), Entry{}).first;
  Entry& e = it->second;
  ++e.failures;
  if (e.failures < free) return;
  const unsigned doublings = std::min(e.failures - free, 16u);
  auto lock = options_.first_lock * (1LL << doublings);
  e.locked_until = now + std::min<std::chrono::seconds>(lock, options_.max_lock);
}

void LoginThrottle::failed(std::string_view account, std::string_view ip) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  fail_one(accounts_, account, options_.free_failures, now);
  fail_one(addresses_, ip, options_.free_failures_per_ip, now);
}

void LoginThrottle::succeeded(std::string_view account) {
  std::lock_guard lock(mutex_);
  accounts_.erase(std::string(account));
}

}  // namespace diskret::portal

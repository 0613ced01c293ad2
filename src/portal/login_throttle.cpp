#include "portal/login_throttle.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "crypto/digest.hpp"

namespace diskret::portal {
namespace {

// Bounds memory under a spray of random accounts: entries are dropped once this many are
// kept, oldest lock first would need an index; dropping all unlocked ones is enough.
constexpr std::size_t kMaxEntries = 100'000;
// Unlocked failures older than this are forgotten when the table is read at start.
constexpr std::chrono::hours kStale{24};

constexpr int kAccount = 0;
constexpr int kAddress = 1;

constexpr std::string_view kLoad =
    "SELECT kind, key_hash, failures, locked_until FROM portal_login_failures";
constexpr std::string_view kPrune =
    "DELETE FROM portal_login_failures WHERE locked_until <= ? AND updated_at <= ?";
constexpr std::string_view kPut =
    "INSERT INTO portal_login_failures(kind, key_hash, failures, locked_until, "
    "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, key_hash) DO UPDATE SET "
    "failures = excluded.failures, locked_until = excluded.locked_until, "
    "updated_at = excluded.updated_at";
constexpr std::string_view kForget =
    "DELETE FROM portal_login_failures WHERE kind = ? AND key_hash = ?";

// Emails and client addresses are personal data: memory and table keep their hash only.
std::string hashed(std::string_view key) { return crypto::sha256_hex(key); }

std::int64_t ms_of(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

void warn(std::string_view what, const Error& e) {
  spdlog::warn("login throttle: cannot {}: {}", what, e.message());
}

}  // namespace

LoginThrottle::LoginThrottle(const Clock& clock, ThrottleOptions options)
    : clock_(clock), options_(options) {}

void LoginThrottle::persist_in(store::sqlite::SqliteDb db) {
  persist_in(std::make_unique<store::sqlite::SqliteDb>(std::move(db)));
}

void LoginThrottle::persist_in(std::unique_ptr<store::SqlDb> db) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  db_ = std::move(db);
  if (auto s = db_->use(kPrune); !s) {
    warn("drop stale failures", s.error());
  } else {
    (*s)->bind(1, ms_of(now));
    (*s)->bind(2, ms_of(now - kStale));
    if (auto ok = (*s)->run(); !ok) warn("drop stale failures", ok.error());
  }
  auto s = db_->use(kLoad);
  if (!s) return warn("read failures", s.error());
  for (;;) {
    auto has = (*s)->step();
    if (!has) return warn("read failures", has.error());
    if (!*has) break;
    Entry e{static_cast<unsigned>((*s)->int64(2)),
            SystemTime{std::chrono::milliseconds{(*s)->int64(3)}}};
    auto& map = (*s)->int64(0) == kAccount ? accounts_ : addresses_;
    map[(*s)->text(1)] = e;
  }
}

std::chrono::seconds LoginThrottle::wait(std::string_view account, std::string_view ip) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  SystemTime until{};
  if (auto it = accounts_.find(hashed(account)); it != accounts_.end()) {
    until = it->second.locked_until;
  }
  if (auto it = addresses_.find(hashed(ip)); it != addresses_.end()) {
    until = std::max(until, it->second.locked_until);
  }
  if (until <= now) return std::chrono::seconds{0};
  // Round up: "wait 0 s" while still locked would invite an immediate retry.
  return std::chrono::ceil<std::chrono::seconds>(until - now);
}

void LoginThrottle::store(int kind, const std::string& key, const Entry& e, SystemTime now) {
  if (!db_) return;
  auto s = db_->use(kPut);
  if (!s) return warn("store a failure", s.error());
  (*s)->bind(1, kind);
  (*s)->bind_text(2, key);
  (*s)->bind(3, static_cast<std::int64_t>(e.failures));
  (*s)->bind(4, ms_of(e.locked_until));
  (*s)->bind(5, ms_of(now));
  if (auto ok = (*s)->run(); !ok) warn("store a failure", ok.error());
}

void LoginThrottle::forget(int kind, const std::string& key) {
  if (!db_) return;
  auto s = db_->use(kForget);
  if (!s) return warn("clear failures", s.error());
  (*s)->bind(1, kind);
  (*s)->bind_text(2, key);
  if (auto ok = (*s)->run(); !ok) warn("clear failures", ok.error());
}

void LoginThrottle::fail_one(Map& map, int kind, const std::string& key, unsigned free,
                             SystemTime now) {
  if (map.size() >= kMaxEntries) {
    // Their rows stay until pruned at start; a further failure starts the count anew.
    std::erase_if(map, [&](const auto& e) { return e.second.locked_until <= now; });
  }
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(key, Entry{}).first;
  Entry& e = it->second;
  ++e.failures;
  if (e.failures >= free) {
    const unsigned doublings = std::min(e.failures - free, 16u);
    auto lock = options_.first_lock * (1LL << doublings);
    e.locked_until = now + std::min<std::chrono::seconds>(lock, options_.max_lock);
  }
  store(kind, key, e, now);
}

void LoginThrottle::failed(std::string_view account, std::string_view ip) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  fail_one(accounts_, kAccount, hashed(account), options_.free_failures, now);
  fail_one(addresses_, kAddress, hashed(ip), options_.free_failures_per_ip, now);
}

void LoginThrottle::succeeded(std::string_view account) {
  const std::string key = hashed(account);
  std::lock_guard lock(mutex_);
  accounts_.erase(key);
  forget(kAccount, key);
}

}  // namespace diskret::portal

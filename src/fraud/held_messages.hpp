#pragma once
/// HeldMessages: messages the pumping guard or the link check held for review, sealed
/// under the tenant's data key in the main database (migration 0100), and the tenants'
/// abuse settings (link check on/off), cached in memory so the send path reads no row.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/message.hpp"
#include "store/key_ring.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::fraud {

struct HeldMessage {
  std::uint64_t id = 0;
  std::uint64_t tenant = 0;
  SystemTime created_at;
  std::string reason;  ///< "prefix_velocity" | "unusual_range" | "suspicious_link"
  std::string range;   ///< "+491511", "premium_rate", "url_shortener:bit.ly"
  std::string source;  ///< "api", "smpp"
  pipeline::NewMessage message;  ///< opened (to, from, text, category, client_ref)
};

/// A hold that expired undecided (what the audit entry names; no personal data).
struct ExpiredHold {
  std::uint64_t id = 0;
  std::uint64_t tenant = 0;
  SystemTime created_at;
  std::string reason;
  std::string range;
  std::string source;
};

/// A tenant's abuse settings (tenant_abuse_settings): the link check and its own pumping
/// allowances (unset: the platform's).
struct AbuseSettings {
  bool link_check = false;
  std::optional<std::uint32_t> prefix_per_hour;
  std::optional<std::uint32_t> unusual_per_hour;
  bool operator==(const AbuseSettings&) const = default;
};

class HeldMessages {
 public:
  static Expected<std::unique_ptr<HeldMessages>> open(const std::filesystem::path& main_path,
                                                      store::KeyRing& keys, const Clock& clock);
  HeldMessages(std::unique_ptr<store::SqlDb> db, store::KeyRing& keys, const Clock& clock);

  /// Stores a held message; returns its id.
  Expected<std::uint64_t> hold(std::uint64_t tenant, const pipeline::NewMessage& message,
                               const std::string& reason,
                               const std::string& range, const std::string& source);
  /// The tenant's held messages, oldest first, ids above `after`.
  Expected<std::vector<HeldMessage>> list(std::uint64_t tenant, std::uint64_t after,
                                          std::size_t limit);
  /// The tenant's held message `id` (another tenant's: nullopt).
  Expected<std::optional<HeldMessage>> get(std::uint64_t tenant, std::uint64_t id);
  /// Deletes the tenant's held message; false when it was not there (decided already).
  Expected<bool> remove(std::uint64_t tenant, std::uint64_t id);
  /// Deletes up to `limit` holds (of every tenant) created at or before `before`, oldest
  /// first, and returns what they were. A hold removed here cannot be released any more.
  Expected<std::vector<ExpiredHold>> expire(SystemTime before, std::size_t limit);

  /// Tenant abuse settings, cached (loaded once per tenant, then kept in memory).
  Expected<AbuseSettings> settings(std::uint64_t tenant);
  Expected<void> set_settings(std::uint64_t tenant, const AbuseSettings& settings);
  Expected<bool> link_check(std::uint64_t tenant);
  Expected<void> set_link_check(std::uint64_t tenant, bool on);

 private:
  Expected<HeldMessage> read(store::SqlStatement& s, std::uint64_t tenant);

  std::unique_ptr<store::SqlDb> db_;
  store::KeyRing& keys_;
  const Clock& clock_;
  std::mutex mutex_;
  Expected<AbuseSettings> settings_locked(std::uint64_t tenant);
  Expected<void> write_locked(std::uint64_t tenant, const AbuseSettings& settings);
  std::unordered_map<std::uint64_t, AbuseSettings> settings_;
};

}  // namespace diskret::fraud

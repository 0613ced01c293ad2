#pragma once
/// SuppressionService: a tenant's opt-out list. An entry is keyed by the number's blind
/// index and holds the number and reason sealed under the person's subject key, so it
/// outlives both the contact and an erasure of the person (then only the blind index
/// remains, and still blocks). Every addition and removal is logged without personal data.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/audit_trail.hpp"
#include "store/contact_store.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"

namespace diskret::contacts {

inline constexpr std::size_t kMaxReasonChars = 200;

/// Sources of an entry: "api" (tenant), "sms_keyword" (STOP), "import", "operator".
inline constexpr std::string_view kSourceApi = "api";
inline constexpr std::string_view kSourceKeyword = "sms_keyword";

struct SuppressionView {
  std::uint64_t id = 0;
  std::string phone;   ///< E.164; empty when the person was erased
  std::string reason;  ///< empty when erased
  std::string source;
  SystemTime created_at;
};

struct SuppressionPage {
  std::vector<SuppressionView> items;
  std::optional<std::uint64_t> next_before;  ///< cursor for the next (older) page
};

/// Reason text: UTF-8, no control characters, at most kMaxReasonChars; nullopt = fine.
std::optional<std::string> check_reason(std::string_view reason);

class SuppressionService {
 public:
  SuppressionService(store::Store& store, store::ContactStore& contacts, store::KeyRing& keys,
                     const Clock& clock);

  /// With a trail, additions and removals from any source but the SMS keywords (whose
  /// inbound handling records them with the message) are appended to it in the
  /// transaction of the change: suppression.added / suppression.removed, the person as
  /// the blind index, `by` as actor (empty: "system:<source>").
  void set_audit(store::AuditTrail* trail) { audit_ = trail; }

  /// Puts `e164` on the list at once and withdraws a contact's marketing consent (appended
  /// to its history). False when the number was on the list already.
  Expected<bool> add(std::uint64_t tenant, std::string_view e164, std::string_view reason,
                     std::string_view source, std::string_view by = {});
  /// Takes `e164` off the list. With `only_source`, only an entry of that source is lifted
  /// (START lifts what STOP did, not a tenant's own entry). A keyword re-subscription also
  /// restores marketing consent that STOP withdrew. False when nothing was lifted.
  Expected<bool> remove(std::uint64_t tenant, std::string_view e164, std::string_view source,
                        std::optional<std::string_view> only_source = std::nullopt,
                        std::string_view by = {});
  Expected<std::optional<SuppressionView>> find(std::uint64_t tenant, std::string_view e164);
  Expected<SuppressionPage> page(std::uint64_t tenant, std::uint64_t before_id, std::size_t limit);

 private:
  Expected<SuppressionView> view(std::uint64_t tenant, const store::SuppressionRecord& r);
  Expected<void> record(store::WriteTransaction& tx, std::uint64_t tenant, const store::Blind& blind,
                        std::string_view action, std::string_view source, std::string_view by,
                        std::int64_t now_ms);

  store::Store& store_;
  store::ContactStore& contacts_;
  store::KeyRing& keys_;
  const Clock& clock_;
  store::AuditTrail* audit_ = nullptr;
};

}  // namespace diskret::contacts

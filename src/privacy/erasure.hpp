#pragma once
/// Erasure (GDPR art. 17) and tenant offboarding, by crypto-shredding. Erasing a person
/// first removes their rows from diskret.db (keeping statistics without the person and a
/// suppression that holds only the blind index, reason "erased"), then destroys their
/// subject key in the key store, which makes every older copy of their data unreadable,
/// backups included. Each step is idempotent: an interrupted erasure is finished by
/// running it again. reapply() brings a restored older diskret.db up to the key store's
/// erasure log.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "audit/audit_log.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "privacy/person_data.hpp"
#include "store/contact_store.hpp"
#include "store/key_ring.hpp"
#include "store/key_vault.hpp"
#include "store/privacy_store.hpp"
#include "store/store.hpp"

namespace diskret::privacy {

struct ErasureReport {
  bool erased_before = false;       ///< a previous erasure of the same person exists
  std::uint64_t subject_keys_destroyed = 0;
  bool contact_deleted = false;
  std::uint64_t messages_scrubbed = 0;   ///< kept for statistics without number and text
  std::uint64_t messages_cancelled = 0;  ///< waiting to be sent, failed with "erased"
  std::uint64_t inbound_deleted = 0;
  std::uint64_t keyword_replies_deleted = 0;
  std::uint64_t stored_responses_deleted = 0;  ///< idempotent responses naming the number
  std::uint64_t link_codes_deleted = 0;        ///< per-recipient short link codes (clicks too)
  std::uint64_t held_deleted = 0;              ///< messages held for review (abuse checks)
  bool key_store_log_truncated = false;
};

struct OffboardReport {
  std::uint64_t tenant_keys_destroyed = 0;
  std::uint64_t subject_keys_destroyed = 0;
};

/// The stores and services erasure works on (owned elsewhere).
struct PrivacyContext {
  store::Store& store;
  store::KeyRing& keys;
  store::KeyVault& vault;
  store::ContactStore& contacts;
  store::PrivacyStore& rows;
  audit::AuditLog& audit;
  const Clock& clock;
};

class Eraser {
 public:
  explicit Eraser(PrivacyContext context) : c_(context) {}

  /// Erases the person with number `e164` (E.164) from `tenant`; `actor` is recorded in
  /// the audit trail ("api_key:12", "operator:cli").
  Expected<ErasureReport> erase(std::uint64_t tenant, std::string_view e164, std::string_view actor);

  /// Deletes everything of `tenant` and destroys its data key and subject keys.
  Expected<OffboardReport> offboard(std::uint64_t tenant, std::string_view actor);

  /// Applies to this copy of diskret.db the erasures and offboardings of the key store it
  /// has not seen (after a restore of an older copy; at every start). Returns how many
  /// erasures were applied.
  Expected<std::uint64_t> reapply();

  /// Data other modules keep about the person (link clicks), erased with them; set before
  /// serving.
  void set_person_data(PersonData* data) { person_data_ = data; }

 private:
  PersonData* person_data_ = nullptr;
  struct Scrubbed;
  Expected<Scrubbed> scrub_rows(store::WriteTransaction& tx, std::uint64_t tenant,
                                const store::Blind& blind, std::span<const std::uint64_t> subject_ids,
                                std::string_view e164);

  PrivacyContext c_;
};

/// The name of the privacy_state marker of the last erasure applied to diskret.db.
inline constexpr std::string_view kErasuresApplied = "erasures_applied";

}  // namespace diskret::privacy

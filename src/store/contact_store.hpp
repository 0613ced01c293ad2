#pragma once
/// ContactStore: contacts, lists, consent history, suppressions and users beside the Store.
/// Rows carry personal data only as ciphertext made by the layer above (contacts/), and
/// people are found by blind index. Writes join a WriteTransaction of the Store (so a
/// subject key and the row sealed under it commit together); reads are safe from any
/// thread. Every call is scoped by tenant: an id of another tenant finds nothing.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace diskret::store {

struct ContactRecord {
  std::uint64_t id = 0;  ///< assigned by insert_contact
  std::uint64_t tenant_id = 0;
  Blind blind{};  ///< of the E.164 number
  std::uint64_t subject_id = 0;
  std::string sealed;              ///< number, names, custom fields under the subject key
  std::uint8_t consent_state = 0;  ///< contacts::ConsentState of the newest consent
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// One entry of a contact's consent history (times in epoch ms).
struct ConsentRow {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::uint64_t contact_id = 0;
  std::string purpose;
  std::string source;
  std::string wording;
  std::optional<std::int64_t> obtained_at_ms;
  std::optional<std::int64_t> requested_at_ms;  ///< double opt-in request
  std::optional<std::int64_t> confirmed_at_ms;  ///< double opt-in confirmation
  std::optional<std::int64_t> withdrawn_at_ms;
  std::int64_t recorded_at_ms = 0;
  std::string recorded_by;
};

struct ListRecord {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::string name;
  std::int64_t created_at_ms = 0;
  std::uint64_t members = 0;  ///< filled by reads
};

struct SuppressionRecord {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  Blind blind{};
  std::optional<std::uint64_t> subject_id;  ///< unset after erasure
  std::string sealed;                       ///< number and reason under the subject key
  std::string source;                       ///< api, sms_keyword, import, operator
  std::int64_t created_at_ms = 0;
};

struct UserRecord {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  Blind email_blind{};
  std::string email_sealed;  ///< under the tenant key
  std::string password_hash;
  std::string role;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> disabled_at_ms;
};

/// A page of a tenant's contacts in id order.
struct ContactQuery {
  std::uint64_t tenant_id = 0;
  std::optional<std::uint64_t> list_id;  ///< only members of this list
  std::uint64_t after_id = 0;            ///< cursor: ids strictly above
  std::size_t limit = 50;
};

/// What sending needs to know about one recipient.
struct RecipientState {
  bool suppressed = false;
  std::optional<std::uint8_t> consent_state;  ///< unset: not a contact
};

/// The writes, bound to one open WriteTransaction.
class ContactWrites {
 public:
  virtual ~ContactWrites() = default;

  /// Errc::already_exists when the tenant has a contact with this blind index.
  virtual Expected<std::uint64_t> insert_contact(const ContactRecord& contact) = 0;
  /// Replaces sealed, subject_id, consent_state and updated_at; false when not found.
  virtual Expected<bool> update_contact(const ContactRecord& contact) = 0;
  /// With its memberships and consent history; false when not found.
  virtual Expected<bool> delete_contact(std::uint64_t tenant, std::uint64_t id) = 0;
  virtual Expected<std::optional<ContactRecord>> find_contact(std::uint64_t tenant,
                                                              const Blind& blind) = 0;
  virtual Expected<std::optional<ContactRecord>> contact(std::uint64_t tenant,
                                                         std::uint64_t id) = 0;
  virtual Expected<std::uint64_t> insert_consent(const ConsentRow& consent) = 0;
  virtual Expected<std::optional<ConsentRow>> latest_consent(std::uint64_t tenant,
                                                             std::uint64_t contact_id) = 0;

  /// Errc::already_exists when the tenant has a list of this name.
  virtual Expected<std::uint64_t> insert_list(const ListRecord& list) = 0;
  virtual Expected<std::optional<ListRecord>> find_list(std::uint64_t tenant,
                                                        const std::string& name) = 0;
  virtual Expected<bool> list_exists(std::uint64_t tenant, std::uint64_t id) = 0;
  /// With its memberships (the contacts stay); false when not found.
  virtual Expected<bool> delete_list(std::uint64_t tenant, std::uint64_t id) = 0;
  /// Both must belong to the caller's tenant (checked by the caller); idempotent.
  virtual Expected<void> add_member(std::uint64_t list_id, std::uint64_t contact_id) = 0;
  virtual Expected<void> clear_memberships(std::uint64_t contact_id) = 0;

  /// False when the number is suppressed already (nothing changes then).
  virtual Expected<bool> insert_suppression(const SuppressionRecord& s) = 0;
  virtual Expected<std::optional<SuppressionRecord>> find_suppression(std::uint64_t tenant,
                                                                      const Blind& blind) = 0;
  /// False when the number was not suppressed.
  virtual Expected<bool> delete_suppression(std::uint64_t tenant, const Blind& blind) = 0;
  virtual Expected<void> log_suppression(std::uint64_t tenant, const Blind& blind,
                                         const std::string& action, const std::string& source,
                                         std::int64_t at_ms) = 0;

  /// Errc::already_exists when the tenant has a user with this email.
  virtual Expected<std::uint64_t> insert_user(const UserRecord& user) = 0;
  virtual Expected<bool> update_user_role(std::uint64_t tenant, std::uint64_t id,
                                          const std::string& role) = 0;
  virtual Expected<bool> delete_user(std::uint64_t tenant, std::uint64_t id) = 0;
  virtual Expected<std::optional<UserRecord>> user(std::uint64_t tenant, std::uint64_t id) = 0;
  /// Enabled users with role "owner".
  virtual Expected<std::uint64_t> count_owners(std::uint64_t tenant) = 0;
};

class ContactStore {
 public:
  virtual ~ContactStore() = default;

  /// Writes inside `tx`, a transaction of the Store this ContactStore belongs to.
  virtual std::unique_ptr<ContactWrites> writes(WriteTransaction& tx) = 0;

  virtual Expected<std::optional<ContactRecord>> contact(std::uint64_t tenant,
                                                         std::uint64_t id) = 0;
  virtual Expected<std::optional<ContactRecord>> contact_by_blind(std::uint64_t tenant,
                                                                  const Blind& blind) = 0;
  virtual Expected<std::vector<ContactRecord>> contacts(const ContactQuery& query) = 0;
  /// The ids of the lists the contact is in, ascending.
  virtual Expected<std::vector<std::uint64_t>> memberships(std::uint64_t tenant,
                                                           std::uint64_t contact_id) = 0;
  /// Oldest first.
  virtual Expected<std::vector<ConsentRow>> consents(std::uint64_t tenant,
                                                     std::uint64_t contact_id) = 0;
  virtual Expected<std::optional<ConsentRow>> latest_consent(std::uint64_t tenant,
                                                             std::uint64_t contact_id) = 0;

  /// With member counts, by id.
  virtual Expected<std::vector<ListRecord>> lists(std::uint64_t tenant) = 0;
  virtual Expected<std::optional<ListRecord>> list(std::uint64_t tenant, std::uint64_t id) = 0;

  virtual Expected<std::optional<SuppressionRecord>> suppression(std::uint64_t tenant,
                                                                 const Blind& blind) = 0;
  /// Newest first: ids strictly below `before_id` (0: from the newest).
  virtual Expected<std::vector<SuppressionRecord>> suppressions(std::uint64_t tenant,
                                                                std::uint64_t before_id,
                                                                std::size_t limit) = 0;
  /// One answer per blind index, in order (for up to 10,000 recipients of one request).
  virtual Expected<std::vector<RecipientState>> recipient_states(std::uint64_t tenant,
                                                                 std::span<const Blind> blinds) = 0;

  /// By id.
  virtual Expected<std::vector<UserRecord>> users(std::uint64_t tenant) = 0;
  virtual Expected<std::optional<UserRecord>> user(std::uint64_t tenant, std::uint64_t id) = 0;
  virtual Expected<std::optional<UserRecord>> user_by_email(std::uint64_t tenant,
                                                            const Blind& email_blind) = 0;
};

}  // namespace diskret::store

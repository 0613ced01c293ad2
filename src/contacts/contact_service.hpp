#pragma once
/// ContactService: a tenant's contacts, lists and consent on the ContactStore. Personal
/// fields are sealed under the person's subject key; a person is found (and deduplicated)
/// by the blind index of the number. Every call is scoped by tenant: an id of another
/// tenant is "not found". Thread-safe (writes are serialised by the Store).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/consent.hpp"
#include "contacts/contact.hpp"
#include "contacts/csv_import.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/contact_store.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"

namespace diskret::contacts {

inline constexpr std::size_t kImportBatchRows = 5'000;  ///< rows per import transaction
inline constexpr std::size_t kMaxPageSize = 500;

struct ListView {
  std::uint64_t id = 0;
  std::string name;
  std::uint64_t members = 0;
  SystemTime created_at;
};

struct ContactView {
  std::uint64_t id = 0;
  std::string phone;  ///< E.164
  std::string first_name;
  std::string last_name;
  CustomFields fields;
  std::vector<std::uint64_t> lists;
  std::optional<Consent> consent;  ///< the newest entry of the history
  SystemTime created_at;
  SystemTime updated_at;
};

/// POST /v1/contacts after validation: the number is E.164 already.
struct ContactInput {
  std::string phone;
  std::string first_name;
  std::string last_name;
  CustomFields fields;
  std::vector<std::uint64_t> lists;
  std::optional<Consent> consent;
};

/// PATCH: set members replace (fields and lists as a whole); a consent is appended; a
/// withdrawal appends the current consent with withdrawn_at.
struct ContactPatch {
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<CustomFields> fields;
  std::optional<std::vector<std::uint64_t>> lists;
  std::optional<Consent> consent;
  std::optional<SystemTime> withdraw_consent;
};

struct ContactPage {
  std::vector<ContactView> contacts;
  std::optional<std::uint64_t> next_after;  ///< cursor for the next page, if any
};

struct ImportSummary {
  std::size_t created = 0;        ///< new contacts
  std::size_t updated = 0;        ///< rows merged into a contact with the same number
  std::size_t lists_created = 0;  ///< list names of the file that did not exist yet
  std::size_t transactions = 0;
};

enum class Confirmation : std::uint8_t { confirmed, not_pending, expired, unknown_number };

class ContactService {
 public:
  ContactService(store::Store& store, store::ContactStore& contacts, store::KeyRing& keys,
                 const Clock& clock);

  // Lists. Names are unique per tenant (Errc already_exists); deleting keeps the contacts.
  Expected<ListView> create_list(std::uint64_t tenant, std::string_view name);
  Expected<std::vector<ListView>> lists(std::uint64_t tenant);
  Expected<std::optional<ListView>> list(std::uint64_t tenant, std::uint64_t id);
  Expected<bool> delete_list(std::uint64_t tenant, std::uint64_t id);

  /// diskret::Errc::already_exists (detail names the existing id) when the tenant has a
  /// contact with this number; Errc::not_found for a list id the tenant does not have.
  /// `actor` is recorded with a consent ("api_key:12").
  Expected<ContactView> create(std::uint64_t tenant, const ContactInput& input,
                               std::string_view actor);
  Expected<std::optional<ContactView>> get(std::uint64_t tenant, std::uint64_t id);
  Expected<std::optional<ContactView>> find_by_phone(std::uint64_t tenant, std::string_view e164);
  Expected<ContactPage> page(std::uint64_t tenant, std::optional<std::uint64_t> list_id,
                             std::uint64_t after_id, std::size_t limit);
  Expected<std::optional<ContactView>> update(std::uint64_t tenant, std::uint64_t id,
                                              const ContactPatch& patch, std::string_view actor);
  Expected<bool> remove(std::uint64_t tenant, std::uint64_t id);
  /// The consent history, oldest first.
  Expected<std::vector<Consent>> consent_history(std::uint64_t tenant, std::uint64_t id);

  /// Writes the valid rows of a decoded CSV in transactions of kImportBatchRows rows: a
  /// number the tenant has already is merged (non-empty names and fields overwrite, lists
  /// are added, a consent is appended). Lists named in the file are created when missing;
  /// `list_id` (checked first) receives every row.
  Expected<ImportSummary> import(std::uint64_t tenant, const ImportReport& report,
                                 std::optional<std::uint64_t> list_id, std::string_view actor);

  /// Double opt-in: appends a pending consent (creating a contact with just the number
  /// when needed). The caller sends `request_wording` as the confirmation SMS. Fails with
  /// diskret::Errc::already_exists when marketing consent is granted already, with
  /// Errc::suppressed when the number opted out.
  Expected<ContactView> start_double_opt_in(std::uint64_t tenant, std::string_view e164,
                                            std::string_view request_wording,
                                            std::string_view actor);
  /// The hook for an inbound confirmation keyword (YES/JA) from `e164`.
  Expected<Confirmation> confirm_double_opt_in(std::uint64_t tenant, std::string_view e164,
                                               const DoubleOptInSettings& settings);

 private:
  Expected<ContactView> view(std::uint64_t tenant, const store::ContactRecord& record);
  Expected<std::vector<ListView>> to_views(const std::vector<store::ListRecord>& lists);

  store::Store& store_;
  store::ContactStore& contacts_;
  store::KeyRing& keys_;
  const Clock& clock_;
};

/// Store rows <-> domain values.
store::ConsentRow to_row(const Consent& c, std::uint64_t tenant, std::uint64_t contact_id,
                         std::int64_t now_ms, std::string_view actor);
Consent from_row(const store::ConsentRow& row);

}  // namespace diskret::contacts

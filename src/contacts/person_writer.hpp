#pragma once
/// Internal to the contacts services: reads and writes people (contact rows) inside one
/// WriteScope: seals under the subject key, finds by blind index, appends consents.
#include <cstdint>
#include <optional>
#include <string_view>

#include "contacts/consent.hpp"
#include "contacts/sealed_fields.hpp"
#include "contacts/write_scope.hpp"
#include "store/key_ring.hpp"

namespace diskret::contacts {

struct Person {
  store::ContactRecord record;
  ContactPlain plain;
};

class PersonWriter {
 public:
  PersonWriter(WriteScope& scope, store::KeyRing& keys, std::uint64_t tenant,
               const store::TenantKeys& tenant_keys, std::int64_t now_ms)
      : scope_(scope), keys_(keys), tenant_(tenant), tenant_keys_(tenant_keys), now_ms_(now_ms) {}

  store::Blind blind(std::string_view e164) const {
    return store::KeyRing::blind(tenant_keys_, e164);
  }
  /// The tenant's contact with this number, opened.
  Expected<std::optional<Person>> find(std::string_view e164);
  Expected<std::optional<Person>> get(std::uint64_t id);
  /// A new contact; diskret::Errc::already_exists when the number is taken.
  Expected<Person> insert(const ContactPlain& plain, ConsentState state);
  /// Reseals `person.plain` (changed by the caller) with the given consent state.
  Expected<void> update(const Person& person, ConsentState state);
  /// Appends to the history and returns the contact's new consent state.
  Expected<ConsentState> append_consent(std::uint64_t contact_id, const Consent& consent,
                                        std::string_view actor);
  Expected<std::optional<Consent>> latest_consent(std::uint64_t contact_id);

  store::ContactWrites& writes() { return scope_.writes(); }
  std::int64_t now_ms() const { return now_ms_; }

 private:
  Expected<Person> open(store::ContactRecord record);

  WriteScope& scope_;
  store::KeyRing& keys_;
  std::uint64_t tenant_;
  const store::TenantKeys& tenant_keys_;
  std::int64_t now_ms_;
};

}  // namespace diskret::contacts

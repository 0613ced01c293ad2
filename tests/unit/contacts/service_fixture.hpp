#pragma once
// A SqliteStore in a temporary directory with the contacts services on top, and two tenants.
#include <memory>

#include "contacts/contact_service.hpp"
#include "contacts/recipient_gate.hpp"
#include "contacts/suppression_service.hpp"
#include "contacts/user_service.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::contacts::testing {

// Argon2id costs about half a second per hash: role tests use a plain stand-in, one test
// (Users.Argon2idPasswords) the real thing.
inline PasswordHashing fast_hashing() {
  PasswordHashing h;
  h.hash = [](std::string_view p) { return "plain:" + std::string(p); };
  h.verify = [](std::string_view hash, std::string_view p) {
    return hash == "plain:" + std::string(p);
  };
  return h;
}

struct Services {
  store::testing::TempDir dir;
  store::testing::StoreFixture fx{dir};
  store::sqlite::SqliteContactStore store{*fx.store};
  ContactService contacts{*fx.store, store, *fx.keys, fx.clock};
  SuppressionService suppressions{*fx.store, store, *fx.keys, fx.clock};
  UserService users{*fx.store, store, *fx.keys, fx.clock, fast_hashing()};
  RecipientGate gate{store, *fx.keys};
  std::uint64_t a = fx.create_tenant("tn_a");
  std::uint64_t b = fx.create_tenant("tn_b");
};

inline Consent web_consent(SystemTime at) {
  Consent c;
  c.source = ConsentSource::web_form;
  c.wording = "Ja, ich will Angebote per SMS.";
  c.obtained_at = at;
  return c;
}

}  // namespace diskret::contacts::testing

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_audit_trail.hpp"
#include "tenancy/sql_tenant_service.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"

namespace diskret::tenancy {
namespace {

using pipeline::testing::FakeCarrier;
using pipeline::testing::PipelineFixture;
using store::testing::StoreFixture;
using store::testing::TempDir;

TEST(SqlTenantService, CreatedTenantAuthenticatesWithItsFirstKey) {
  TempDir dir;
  StoreFixture f(dir);
  SqlTenantService tenants(*f.store, *f.keys, f.clock);
  auto created = tenants.create_tenant("Praxis Dr. Muster", "DE");
  ASSERT_TRUE(created) << created.error().message();
  const auto& [tenant, key] = *created;
  EXPECT_TRUE(tenant.public_id.starts_with("tn_"));
  EXPECT_TRUE(key.secret.starts_with("dsk_live_"));
  EXPECT_EQ(key.secret.size(), 41u);
  EXPECT_EQ(key.info.prefix, key.secret.substr(0, 14));
  EXPECT_EQ(key.info.role, Role::owner);
  EXPECT_EQ(tenant.settings.default_region, "DE");

  auto principal = tenants.authenticate(key.secret);
  ASSERT_TRUE(principal) << principal.error().message();
  EXPECT_EQ(principal->tenant, tenant.id);
  EXPECT_EQ(principal->tenant_public_id, tenant.public_id);
  EXPECT_EQ(principal->role, Role::owner);
  EXPECT_EQ(principal->api_key_id, key.info.id);

  EXPECT_EQ(tenants.find_tenant(tenant.public_id)->id, tenant.id);
  EXPECT_EQ(tenants.get_tenant(tenant.id)->name, "Praxis Dr. Muster");
  EXPECT_FALSE(tenants.find_tenant("tn_nope"));
  // Creating a tenant created its data key.
  EXPECT_TRUE(f.keys->tenant(tenant.id.value));
}

TEST(SqlTenantService, WrongKeysAreRefused) {
  TempDir dir;
  StoreFixture f(dir);
  SqlTenantService tenants(*f.store, *f.keys, f.clock);
  auto created = tenants.create_tenant("A", "DE");
  ASSERT_TRUE(created);
  std::string wrong = created->second.secret;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';  // same prefix, other secret
  for (const std::string& k : {wrong, std::string("dsk_live_"), std::string(""),
                               std::string("Bearer x"), created->second.secret + "x"}) {
    auto p = tenants.authenticate(k);
    ASSERT_FALSE(p) << k;
    EXPECT_EQ(p.error().code, make_error_code(Errc::permission_denied));
  }
}

TEST(SqlTenantService, RevokedKeyFailsAtOnceEvenWhenCached) {
  TempDir dir;
  StoreFixture f(dir);
  SqlTenantService tenants(*f.store, *f.keys, f.clock);
  auto created = tenants.create_tenant("A", "DE");
  ASSERT_TRUE(created);
  const TenantId tenant = created->first.id;
  auto second = tenants.create_api_key(tenant, "ci", Role::sender);
  ASSERT_TRUE(second);
  ASSERT_TRUE(tenants.authenticate(second->secret));  // now cached
  ASSERT_TRUE(tenants.revoke_api_key(tenant, second->info.id));
  auto p = tenants.authenticate(second->secret);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, make_error_code(Errc::permission_denied));
  EXPECT_TRUE(tenants.authenticate(created->second.secret));  // the other key still works
  EXPECT_FALSE(tenants.revoke_api_key(tenant, second->info.id));  // already revoked
  auto keys = tenants.list_api_keys(tenant);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_FALSE(keys->at(0).revoked_at);
  EXPECT_TRUE(keys->at(1).revoked_at);
  EXPECT_EQ(keys->at(1).role, Role::sender);
}

TEST(SqlTenantService, KeyRevokedElsewhereStopsWithinTheCacheTime) {
  TempDir dir;
  StoreFixture f(dir);
  SqlTenantService here(*f.store, *f.keys, f.clock);
  SqlTenantService elsewhere(*f.store, *f.keys, f.clock);  // e.g. the CLI
  auto created = here.create_tenant("A", "DE");
  ASSERT_TRUE(created);
  ASSERT_TRUE(here.authenticate(created->second.secret));
  ASSERT_TRUE(elsewhere.revoke_api_key(created->first.id, created->second.info.id));
  f.clock.advance(std::chrono::milliseconds(1001));
  EXPECT_FALSE(here.authenticate(created->second.secret));
}

TEST(SqlTenantService, TenantCannotRevokeAnotherTenantsKey) {
  TempDir dir;
  StoreFixture f(dir);
  SqlTenantService tenants(*f.store, *f.keys, f.clock);
  auto a = tenants.create_tenant("A", "DE");
  auto b = tenants.create_tenant("B", "AT");
  ASSERT_TRUE(a && b);
  auto r = tenants.revoke_api_key(b->first.id, a->second.info.id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::not_found));
  EXPECT_TRUE(tenants.authenticate(a->second.secret));
  EXPECT_TRUE(tenants.list_api_keys(b->first.id)->size() == 1);
}

TEST(SqlTenantService, BadInputIsRefused) {
  TempDir dir;
  StoreFixture f(dir);
  SqlTenantService tenants(*f.store, *f.keys, f.clock);
  EXPECT_FALSE(tenants.create_tenant("", "DE"));
  EXPECT_FALSE(tenants.create_tenant("A", "de"));
  EXPECT_FALSE(tenants.create_tenant("A", "DEU"));
  auto k = tenants.create_api_key(TenantId{4242}, "x", Role::admin);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, make_error_code(Errc::not_found));
}

TEST(SqlTenantService, OtherTenantsKeyCannotReadAMessage) {
  PipelineFixture p(FakeCarrier::Behaviour::accepts_all);
  SqlTenantService tenants(*p.store.store, *p.store.keys, p.store.clock);
  auto a = tenants.create_tenant("A", "DE");
  auto b = tenants.create_tenant("B", "DE");
  ASSERT_TRUE(a && b);
  p.tenant = a->first.id;
  const auto id = p.send_one("+4915112345678");
  auto as_a = tenants.authenticate(a->second.secret);
  auto as_b = tenants.authenticate(b->second.secret);
  ASSERT_TRUE(as_a && as_b);
  EXPECT_TRUE(p.pipeline->get(as_a->tenant, id));
  auto other = p.pipeline->get(as_b->tenant, id);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, make_error_code(Errc::not_found));
}

TEST(Role, NamesRoundTrip) {
  for (auto r : {Role::owner, Role::admin, Role::sender, Role::viewer}) {
    EXPECT_EQ(parse_role(role_name(r)), r);
  }
  EXPECT_FALSE(parse_role("root"));
}

// Tenants created and API keys created or revoked land in the tenant's audit trail, with
// the key's id, label and role but never its secret or shown prefix.
TEST(SqlTenantService, KeyChangesAreAuditedWithoutTheSecret) {
  TempDir dir;
  StoreFixture f(dir);
  store::sqlite::SqliteAuditTrail trail(*f.store);
  SqlTenantService tenants(*f.store, *f.keys, f.clock);
  tenants.set_audit(&trail, "operator:ops");
  auto created = tenants.create_tenant("A", "DE");
  ASSERT_TRUE(created) << created.error().message();
  const TenantId tenant = created->first.id;
  auto key = tenants.create_api_key(tenant, "shop \"backend\"", Role::sender);
  ASSERT_TRUE(key) << key.error().message();
  ASSERT_TRUE(tenants.revoke_api_key(tenant, key->info.id));
  EXPECT_FALSE(tenants.revoke_api_key(tenant, key->info.id));  // nothing left to revoke

  auto events = trail.events(tenant.value, 0, 100);
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->size(), 4u);  // newest first
  EXPECT_EQ((*events)[3].action, "tenant.created");
  EXPECT_EQ((*events)[2].action, "apikey.created");
  EXPECT_EQ((*events)[2].object, "apikey:" + std::to_string(created->second.info.id));
  EXPECT_EQ((*events)[1].action, "apikey.created");
  EXPECT_EQ((*events)[1].object, "apikey:" + std::to_string(key->info.id));
  EXPECT_EQ((*events)[1].details, R"({"name":"shop \"backend\"","role":"sender"})");
  EXPECT_EQ((*events)[0].action, "apikey.revoked");
  EXPECT_EQ((*events)[0].object, "apikey:" + std::to_string(key->info.id));
  for (const auto& e : *events) {
    EXPECT_EQ(e.actor, "operator:ops");
    for (const auto& secret : {created->second.secret, key->secret}) {
      for (const std::string& field : {e.object, e.details}) {
        EXPECT_EQ(field.find(secret.substr(9, 5)), std::string::npos) << field;
      }
    }
  }
}

}  // namespace
}  // namespace diskret::tenancy

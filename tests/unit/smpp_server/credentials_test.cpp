#include "smpp_server/credentials.hpp"

#include <gtest/gtest.h>

#include "unit/smpp_server/memory_credential_store.hpp"

namespace diskret::smpp_server {
namespace {

struct Fixture {
  test::MemoryCredentialStore store;
  FakeClock clock;
  CredentialService service{store, crypto::SecretKey::generate(), clock};
};

TEST(SmppCredentials, CreatedPasswordVerifiesAndIsNotStored) {
  Fixture f;
  auto created = f.service.create(TenantId{7});
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->credential.system_id.size(), kSystemIdLength);
  EXPECT_EQ(created->password.size(), kPasswordLength);
  const auto& row = f.store.rows_.at(created->credential.system_id);
  EXPECT_EQ(row.hash.find(created->password), std::string::npos);
  auto ok = f.service.verify(created->credential.system_id, created->password);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->tenant, TenantId{7});
}

TEST(SmppCredentials, WrongPasswordUnknownIdAndRevokedAreRefused) {
  Fixture f;
  auto created = f.service.create(TenantId{1});
  ASSERT_TRUE(created);
  const auto& id = created->credential.system_id;
  std::string wrong = created->password;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(f.service.verify(id, wrong).error().code, make_error_code(Errc::permission_denied));
  EXPECT_EQ(f.service.verify("dknosuchid", created->password).error().code,
            make_error_code(Errc::permission_denied));
  EXPECT_EQ(f.service.revoke(TenantId{2}, id).error().code, make_error_code(Errc::not_found));
  ASSERT_TRUE(f.service.revoke(TenantId{1}, id));
  EXPECT_FALSE(f.service.verify(id, created->password));
  auto listed = f.service.list(TenantId{1});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE(listed->front().revoked_at.has_value());
}

TEST(SmppCredentials, HashDependsOnSystemIdAndPepper) {
  const auto pepper = crypto::SecretKey::generate();
  EXPECT_NE(hash_password(pepper, "a", "pw"), hash_password(pepper, "b", "pw"));
  EXPECT_NE(hash_password(pepper, "a", "pw"),
            hash_password(crypto::SecretKey::generate(), "a", "pw"));
  EXPECT_EQ(hash_password(pepper, "a", "pw"), hash_password(pepper, "a", "pw"));
}

TEST(SmppCredentials, RandomAlnumUsesOnlyTheAlphabet) {
  const std::string s = random_alnum(2'000);
  ASSERT_EQ(s.size(), 2'000u);
  for (char c : s) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  EXPECT_NE(random_alnum(16), random_alnum(16));
}

}  // namespace
}  // namespace diskret::smpp_server

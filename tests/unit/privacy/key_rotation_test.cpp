#include "privacy/key_rotation.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "crypto/secret_box.hpp"
#include "unit/privacy/privacy_fixture.hpp"

namespace diskret::privacy {
namespace {

using testing::must;
using testing::Process;
using testing::TempDir;

std::string bytes(const crypto::SecretKey& k) {
  return std::string(reinterpret_cast<const char*>(k.data()), crypto::SecretKey::kSize);
}

class KeyRotationTest : public ::testing::Test {
 protected:
  TempDir dir_;
  FakeClock clock_;
  Process server_{dir_, clock_};
};

// The server keeps running while another process (`diskret keys rotate`) rotates.
TEST_F(KeyRotationTest, RunningProcessKeepsReadingEveryTenantKey) {
  const auto a = server_.create_tenant("tn_a");
  const auto b = server_.create_tenant("tn_b");
  const auto c = server_.create_tenant("tn_c");
  const auto dek_a = bytes(must(server_.keys->tenant(a))->data_key);  // cached in the server
  const auto pepper = bytes(server_.keys->api_key_pepper());
  const auto old_id = server_.holder->current().id;

  Process cli(dir_, clock_);
  const auto dek_b = bytes(must(cli.keys->tenant(b))->data_key);
  auto report = rotate_master_key(cli.key_file(), *cli.vault, *cli.holder, *cli.services, clock_);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->old_key_id, old_id);
  EXPECT_NE(report->new_key_id, old_id);
  EXPECT_EQ(report->rewrapped.tenant_keys, 3u);
  EXPECT_EQ(report->rewrapped.service_keys, 3u);  // pepper, backup key, audit signing key

  // Tenant b and c were never loaded by the server: they now need the new key, which the
  // server finds by reloading the key file.
  EXPECT_EQ(bytes(must(server_.keys->tenant(b))->data_key), dek_b);
  EXPECT_TRUE(server_.keys->tenant(c).has_value());
  EXPECT_EQ(bytes(must(server_.keys->tenant(a))->data_key), dek_a);
  EXPECT_EQ(server_.holder->current().id, report->new_key_id);

  // A fresh start reads everything with the new key, with the same data keys and pepper.
  Process restarted(dir_, clock_);
  EXPECT_EQ(bytes(must(restarted.keys->tenant(a))->data_key), dek_a);
  EXPECT_EQ(bytes(restarted.keys->api_key_pepper()), pepper);
  EXPECT_EQ(crypto::MasterKeyFile(restarted.key_file()).key_id(), report->new_key_id);
  EXPECT_EQ(must(restarted.vault->current_master_key_id()), report->new_key_id);
  EXPECT_FALSE(std::filesystem::exists(staging_path(restarted.key_file())));
}

TEST_F(KeyRotationTest, OldKeyOpensNothingAfterwards) {
  const auto a = server_.create_tenant("tn_a");
  const auto old_key = server_.holder->current();
  Process cli(dir_, clock_);
  ASSERT_TRUE(rotate_master_key(cli.key_file(), *cli.vault, *cli.holder, *cli.services, clock_));
  auto record = must(server_.store->tenant_key(a));
  ASSERT_TRUE(record.has_value());
  EXPECT_FALSE(crypto::unwrap_key(old_key.key, record->wrapped,
                                  store::KeyRing::tenant_key_ad(a, record->version, record->master_key_id))
                   .has_value());
  EXPECT_FALSE(crypto::unwrap_key(old_key.key, record->wrapped,
                                  store::KeyRing::tenant_key_ad(a, record->version, old_key.id))
                   .has_value());
  // A process that still has only the old key (no reload) cannot read the tenant key.
  store::KeyRing stale(*server_.store, old_key.key, old_key.id);
  EXPECT_FALSE(stale.tenant(a).has_value());
}

TEST_F(KeyRotationTest, RotatesTwiceAndKeepsBackupAndAuditKeys) {
  server_.create_tenant("tn_a");
  auto backup = must(server_.services->backup_key());
  auto signer = must(server_.services->audit_signing_key());
  ASSERT_TRUE(rotate_master_key(server_.key_file(), *server_.vault, *server_.holder, *server_.services, clock_));
  ASSERT_TRUE(rotate_master_key(server_.key_file(), *server_.vault, *server_.holder, *server_.services, clock_));
  Process restarted(dir_, clock_);
  EXPECT_EQ(bytes(must(restarted.services->backup_key(backup.id))), bytes(backup.key));
  EXPECT_EQ(must(restarted.services->audit_signing_key()).public_key(), signer.public_key());
}

TEST_F(KeyRotationTest, FinishesARotationInterruptedBeforeTheFileRename) {
  const auto a = server_.create_tenant("tn_a");
  const auto dek = bytes(must(server_.keys->tenant(a))->data_key);
  must(server_.services->ensure_all());
  // Steps 2 and 3 done, 4 not: staging file written, key store rewrapped under it.
  const auto next_key = crypto::SecretKey::generate();
  crypto::MasterKeyFile next(staging_path(server_.key_file()));
  ASSERT_TRUE(next.replace(next_key));
  const auto old = server_.holder->current();
  ASSERT_TRUE(server_.vault->rewrap_all(next.key_id(), [&](const store::WrappedKey& k) -> Expected<std::string> {
    const bool tenant = k.kind == store::WrappedKey::Kind::tenant;
    auto ad = [&](std::string_view id) {
      return tenant ? store::KeyRing::tenant_key_ad(k.tenant_id, k.version, id)
                    : store::ServiceKeys::wrap_ad(k.name, k.version, id);
    };
    auto key = crypto::unwrap_key(old.key, k.wrapped, ad(k.master_key_id));
    if (!key) return unexpected(key.error());
    return crypto::wrap_key(next_key, *key, ad(next.key_id()));
  }, clock_.now_ms()));
  // Meanwhile a running server still finds the staged key.
  store::KeyRing fresh(*server_.store, old.key, old.id);
  fresh.use_master_keys(server_.holder);
  EXPECT_EQ(bytes(must(fresh.tenant(a))->data_key), dek);

  auto moved = finish_interrupted_rotation(server_.key_file(), *server_.vault);
  ASSERT_TRUE(moved.has_value()) << moved.error().message();
  EXPECT_TRUE(*moved);
  EXPECT_EQ(crypto::MasterKeyFile(server_.key_file()).key_id(), next.key_id());
  Process restarted(dir_, clock_);
  EXPECT_EQ(bytes(must(restarted.keys->tenant(a))->data_key), dek);
}

TEST_F(KeyRotationTest, DiscardsAStaleStagingFile) {
  server_.create_tenant("tn_a");
  const auto id = crypto::MasterKeyFile(server_.key_file()).key_id();
  ASSERT_TRUE(crypto::MasterKeyFile(staging_path(server_.key_file())).replace(crypto::SecretKey::generate()));
  auto moved = finish_interrupted_rotation(server_.key_file(), *server_.vault);
  ASSERT_TRUE(moved.has_value());
  EXPECT_FALSE(*moved);
  EXPECT_FALSE(std::filesystem::exists(staging_path(server_.key_file())));
  EXPECT_EQ(crypto::MasterKeyFile(server_.key_file()).key_id(), id);
}

TEST_F(KeyRotationTest, RefusesWhileAnotherRotationRuns) {
  auto lock_path = server_.key_file();
  lock_path += ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  auto r = rotate_master_key(server_.key_file(), *server_.vault, *server_.holder, *server_.services, clock_);
  ::close(fd);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unavailable);
}

}  // namespace
}  // namespace diskret::privacy

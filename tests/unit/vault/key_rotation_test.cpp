#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "crypto/master_key.hpp"
#include "test_support.hpp"
#include "vault/card_store.hpp"
#include "vault/errc.hpp"
#include "vault/schema.hpp"
#include "vault/test_acquirer.hpp"
#include "vault/vault_app.hpp"
#include "vault/vault_service.hpp"

namespace diskret::vault {
namespace {

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.data_dir = (dir_.path() / "data").string();
    config_.master_key_file = (dir_.path() / "data" / "master.key").string();
    config_.service_secret_file = (dir_.path() / "data" / "vault.secret").string();
    config_.http_listen = "127.0.0.1:0";
  }

  // Stores cards through a short-lived app-equivalent stack (the app holds the dir lock).
  std::vector<std::string> store_cards(std::initializer_list<std::string_view> numbers) {
    auto db = Database::open(config_.database_file());
    EXPECT_TRUE(db);
    EXPECT_TRUE(migrate(*db));
    auto master = crypto::MasterKeyFile(config_.master_key_file).load();
    EXPECT_TRUE(master);
    DataKeys keys(*db, clock_);
    EXPECT_TRUE(keys.load(*master));
    TestAcquirer acquirer;
    VaultService service(*db, keys, acquirer, clock_);
    std::vector<std::string> tokens;
    for (auto n : numbers) {
      auto card = service.store_card(CardInput{n, 12, 2030, "123", "Holder"}, "t1", "test");
      EXPECT_TRUE(card);
      tokens.push_back(card->token);
    }
    return tokens;
  }

  std::string pan_of(const std::string& token) {
    auto db = Database::open(config_.database_file());
    auto master = crypto::MasterKeyFile(config_.master_key_file).load();
    DataKeys keys(*db, clock_);
    if (!keys.load(*master)) return "<keys unavailable>";
    CardStore cards(*db, keys, clock_);
    auto pan = cards.open_pan(token);
    return pan ? std::string(pan->view()) : "<" + pan.error().message() + ">";
  }

  std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  test::TempDir dir_;
  FakeClock clock_;
  VaultConfig config_;
};

TEST_F(KeyRotationTest, ReplacesMasterKeyAndKeepsEveryCardReadable) {
  ASSERT_TRUE(ensure_private_directory(config_.data_dir));
  auto tokens = store_cards({kTestCardApproves, "5555555555554444"});
  const auto old_key_file = read_file(config_.master_key_file);
  auto report = rotate_keys(config_, clock_);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_EQ(report->cards_resealed, 2u);
  EXPECT_NE(report->old_master_id, report->new_master_id);
  EXPECT_NE(read_file(config_.master_key_file), old_key_file);
  EXPECT_EQ(pan_of(tokens[0]), kTestCardApproves);
  EXPECT_EQ(pan_of(tokens[1]), "5555555555554444");

  // The old master key no longer opens anything.
  std::ofstream(config_.master_key_file, std::ios::trunc) << old_key_file;
  EXPECT_EQ(pan_of(tokens[0]), "<keys unavailable>");
}

TEST_F(KeyRotationTest, RotatesTwiceAndAuditsIt) {
  ASSERT_TRUE(ensure_private_directory(config_.data_dir));
  auto tokens = store_cards({kTestCardApproves});
  ASSERT_TRUE(rotate_keys(config_, clock_));
  ASSERT_TRUE(rotate_keys(config_, clock_));
  EXPECT_EQ(pan_of(tokens[0]), kTestCardApproves);
  auto count = verify_audit(config_, clock_);
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 3u);  // card.stored + two keys.rotated
}

TEST_F(KeyRotationTest, RefusesWhileTheVaultRuns) {
  auto app = VaultApp::open(config_, clock_, std::make_unique<TestAcquirer>());
  ASSERT_TRUE(app) << app.error().message();
  auto report = rotate_keys(config_, clock_);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message().find("in use"), std::string::npos);
}

TEST_F(KeyRotationTest, ARotationInterruptedBeforeTheKeyFileSwapLeavesTheOldKeyWorking) {
  ASSERT_TRUE(ensure_private_directory(config_.data_dir));
  auto tokens = store_cards({kTestCardApproves});
  // Step 1 of a rotation without steps 2 and 3: the new data key is wrapped under both keys.
  {
    auto db = Database::open(config_.database_file());
    auto master = crypto::MasterKeyFile(config_.master_key_file).load();
    DataKeys keys(*db, clock_);
    ASSERT_TRUE(keys.load(*master));
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(keys.add_active(*master, crypto::SecretKey::generate()));
    CardStore cards(*db, keys, clock_);
    ASSERT_TRUE(cards.reseal_all());
    ASSERT_TRUE(keys.drop_inactive());
    ASSERT_TRUE(tx->commit());
  }
  EXPECT_EQ(pan_of(tokens[0]), kTestCardApproves);
  // The leftover wrapping under the lost next key was dropped on load.
  auto db = Database::open(config_.database_file());
  auto count = db->prepare("SELECT COUNT(*) FROM key_wraps");
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), 1);
}

}  // namespace
}  // namespace diskret::vault

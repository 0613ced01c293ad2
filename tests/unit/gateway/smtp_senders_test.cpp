// Registered SMTP sender addresses: networks (IPv4/IPv6 CIDR), and SmtpSenders on a real
// SQLite store (sealed address, keyed lookup, one tenant per address, both checks).
#include "gateway/smtp_senders.hpp"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_smtp_senders.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::gateway {
namespace {

TEST(Network, ParsesV4AndV6AndChecksMembership) {
  auto office = Network::parse("192.0.2.0/24");
  ASSERT_TRUE(office);
  EXPECT_EQ(office->to_string(), "192.0.2.0/24");
  EXPECT_TRUE(office->contains("192.0.2.77"));
  EXPECT_TRUE(office->contains("::ffff:192.0.2.77"));
  EXPECT_FALSE(office->contains("192.0.3.1"));
  EXPECT_FALSE(office->contains("2001:db8::1"));
  EXPECT_FALSE(office->contains("not an address"));

  auto host = Network::parse("203.0.113.5");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->to_string(), "203.0.113.5/32");
  EXPECT_TRUE(host->contains("203.0.113.5"));
  EXPECT_FALSE(host->contains("203.0.113.6"));

  auto v6 = Network::parse("2001:db8:1::/48");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains("2001:db8:1:ffff::9"));
  EXPECT_FALSE(v6->contains("2001:db8:2::9"));

  auto all = Network::parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains("198.51.100.1"));

  for (const char* bad : {"192.0.2.1/24", "192.0.2.0/33", "192.0.2.0/", "192.0.2.0/x",
                          "300.1.1.1", "mail.example.com", "", "2001:db8::/129"}) {
    auto n = Network::parse(bad);
    EXPECT_FALSE(n) << bad;
    if (!n) {
      EXPECT_EQ(n.error().code, make_error_code(Errc::invalid_argument)) << bad;
    }
  }
}

class SmtpSendersTest : public ::testing::Test {
 protected:
  SmtpSendersTest() {
    tenant_ = f_.create_tenant("tn_a");
    other_ = f_.create_tenant("tn_b");
    auto s = store::sqlite::SqliteSmtpSenderStore::open(dir_.path() / "diskret.db");
    if (!s) throw std::runtime_error(s.error().message());
    store_ = std::move(*s);
    senders_ = std::make_unique<SmtpSenders>(*store_, *f_.keys, f_.clock);
  }

  store::testing::TempDir dir_;
  store::testing::StoreFixture f_{dir_};
  std::uint64_t tenant_ = 0, other_ = 0;
  std::unique_ptr<store::sqlite::SqliteSmtpSenderStore> store_;
  std::unique_ptr<SmtpSenders> senders_;
};

TEST_F(SmtpSendersTest, AddressAndNetworkMustBothMatch) {
  auto added = senders_->add(tenant_, "ERP@Praxis-Mueller.de", {"192.0.2.0/24", "2001:db8::/32"});
  ASSERT_TRUE(added) << added.error().message();
  EXPECT_EQ(added->address, "erp@praxis-mueller.de");
  EXPECT_EQ(added->networks, (std::vector<std::string>{"192.0.2.0/24", "2001:db8::/32"}));

  auto found = senders_->resolve("erp@praxis-mueller.de", "192.0.2.10");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, std::optional<std::uint64_t>{tenant_});
  EXPECT_EQ(*senders_->resolve("Erp@Praxis-Mueller.DE", "2001:db8::25"), tenant_);
  EXPECT_FALSE(*senders_->resolve("erp@praxis-mueller.de", "198.51.100.7")) << "forged from elsewhere";
  EXPECT_FALSE(*senders_->resolve("info@praxis-mueller.de", "192.0.2.10")) << "other address";
  EXPECT_FALSE(*senders_->resolve("", "192.0.2.10"));

  auto listed = senders_->list(tenant_);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().address, "erp@praxis-mueller.de");
  EXPECT_TRUE(senders_->list(other_)->empty());
}

TEST_F(SmtpSendersTest, OneAddressBelongsToOneTenantAndInputIsChecked) {
  ASSERT_TRUE(senders_->add(tenant_, "erp@firma.de", {"192.0.2.0/24"}));
  auto taken = senders_->add(other_, "ERP@firma.de", {"198.51.100.0/24"});
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, make_error_code(Errc::already_exists));

  for (const char* bad : {"no-at-sign", "@firma.de", "a@b@firma.de", "a@localhost", "a b@firma.de",
                          "<a@firma.de>"}) {
    auto r = senders_->add(tenant_, bad, {"192.0.2.0/24"});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, make_error_code(Errc::invalid_argument)) << bad;
  }
  auto none = senders_->add(tenant_, "ops@firma.de", {});
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().detail.find("networks"), std::string::npos);
  auto host_bits = senders_->add(tenant_, "ops@firma.de", {"192.0.2.1/24"});
  ASSERT_FALSE(host_bits);
  EXPECT_NE(host_bits.error().detail.find("host bits"), std::string::npos);
}

TEST_F(SmtpSendersTest, RemovedAddressNoLongerResolvesAndIsStoredSealed) {
  auto added = senders_->add(tenant_, "erp@geheim-gmbh.de", {"192.0.2.0/24"});
  ASSERT_TRUE(added);
  EXPECT_EQ(senders_->remove(other_, added->id).error().code, make_error_code(Errc::not_found));
  ASSERT_TRUE(senders_->remove(tenant_, added->id));
  EXPECT_FALSE(*senders_->resolve("erp@geheim-gmbh.de", "192.0.2.10"));
  ASSERT_TRUE(senders_->add(tenant_, "erp@geheim-gmbh.de", {"192.0.2.0/24"}));
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(store::testing::read_file(entry.path()).find("geheim-gmbh"), std::string::npos)
        << entry.path();
  }
}

}  // namespace
}  // namespace diskret::gateway

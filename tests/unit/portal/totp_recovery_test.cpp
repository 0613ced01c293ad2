// TOTP recovery codes against a real SQLite database: ten single-use codes, stored keyed-
// hashed, good only while the factor is on, replaced when regenerated.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "../store/store_fixture.hpp"
#include "portal/totp.hpp"
#include "portal/totp_service.hpp"

namespace diskret::portal {
namespace {

using namespace std::chrono_literals;
using store::testing::StoreFixture;
using store::testing::TempDir;

class TotpRecovery : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = fixture_.create_tenant("tn_recovery");
    auto service = TotpService::open(dir_.path() / "diskret.db", *fixture_.keys, fixture_.clock);
    ASSERT_TRUE(service) << service.error().message();
    totp_ = std::move(*service);
  }
  /// Switches the factor on for `user` with a code of its app.
  void switch_on(std::uint64_t user) {
    auto enrolment = totp_->enrol(tenant_, user, "diskret", "a@example.com");
    ASSERT_TRUE(enrolment);
    auto key = base32_decode(enrolment->secret);
    ASSERT_TRUE(key);
    const auto code = std::to_string(1'000'000 + hotp(*key, totp_step(fixture_.clock.now())))
                          .substr(1);
    auto ok = totp_->confirm(tenant_, user, code);
    ASSERT_TRUE(ok && *ok);
  }
  std::int64_t count(std::string_view sql) {
    auto db = store::sqlite::SqliteDb::open_beside(dir_.path() / "diskret.db", 5000ms);
    auto n = db->query_int(sql);
    return n ? *n : -1;
  }

  TempDir dir_;
  StoreFixture fixture_{dir_};
  std::uint64_t tenant_ = 0;
  std::unique_ptr<TotpService> totp_;
};

TEST_F(TotpRecovery, TenDistinctCodesEachAcceptedOnceAndStoredHashed) {
  switch_on(7);
  auto codes = totp_->new_recovery_codes(tenant_, 7);
  ASSERT_TRUE(codes) << codes.error().message();
  ASSERT_EQ(codes->size(), 10u);
  EXPECT_EQ(std::set<std::string>(codes->begin(), codes->end()).size(), 10u);
  for (const auto& c : *codes) {
    ASSERT_EQ(c.size(), 11u) << c;
    EXPECT_EQ(c[5], '-') << c;
    const std::string plain = c.substr(0, 5) + c.substr(6);
    EXPECT_EQ(count("SELECT count(*) FROM portal_totp_recovery WHERE code_hash LIKE '%" +
                    plain + "%'"), 0);
  }
  EXPECT_EQ(count("SELECT count(*) FROM portal_totp_recovery"), 10);
  EXPECT_EQ(*totp_->recovery_codes_left(tenant_, 7), 10u);

  EXPECT_TRUE(*totp_->use_recovery_code(tenant_, 7, (*codes)[0]));
  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 7, (*codes)[0])) << "each code once";
  // Case, spaces and dashes do not matter.
  std::string typed = (*codes)[1];
  for (auto& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  typed.erase(5, 1);
  typed.insert(3, " ");
  EXPECT_TRUE(*totp_->use_recovery_code(tenant_, 7, typed));
  EXPECT_EQ(*totp_->recovery_codes_left(tenant_, 7), 8u);
  // Read off paper: 0, 1 and 8 stand for O, I and B (base32 has none of them).
  // (a code with one of them: all ten lack them with probability (29/32)^100 < 1e-4)
  auto with_letter = std::find_if(codes->begin() + 4, codes->end(), [](const std::string& c) {
    return c.find_first_of("OIB") != std::string::npos;
  });
  ASSERT_NE(with_letter, codes->end());
  std::string misread = *with_letter;
  for (auto& ch : misread) ch = ch == 'O' ? '0' : ch == 'I' ? '1' : ch == 'B' ? '8' : ch;
  EXPECT_TRUE(*totp_->use_recovery_code(tenant_, 7, misread)) << misread;
  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 7, *with_letter)) << "the same code";
  EXPECT_EQ(*totp_->recovery_codes_left(tenant_, 7), 7u);

  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 7, "AAAAA-AAAAA"));
  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 7, "123456"));
  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 8, (*codes)[2])) << "another user's code";
  EXPECT_EQ(*totp_->recovery_codes_left(tenant_, 7), 7u);
}

TEST_F(TotpRecovery, RegeneratingReplacesTheCodesAndSwitchingOffDeletesThem) {
  switch_on(7);
  auto first = totp_->new_recovery_codes(tenant_, 7);
  auto second = totp_->new_recovery_codes(tenant_, 7);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 7, (*first)[0])) << "old codes are void";
  EXPECT_TRUE(*totp_->use_recovery_code(tenant_, 7, (*second)[0]));
  ASSERT_TRUE(totp_->disable(tenant_, 7));
  EXPECT_EQ(count("SELECT count(*) FROM portal_totp_recovery"), 0);
  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 7, (*second)[1]));
}

TEST_F(TotpRecovery, CodesAreRefusedWhileTheFactorIsNotConfirmed) {
  auto codes = totp_->new_recovery_codes(tenant_, 9);  // no confirmed factor
  ASSERT_TRUE(codes);
  EXPECT_FALSE(*totp_->use_recovery_code(tenant_, 9, (*codes)[0]));
}

}  // namespace
}  // namespace diskret::portal

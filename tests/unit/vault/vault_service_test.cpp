#include "vault/vault_service.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "vault/errc.hpp"
#include "vault/schema.hpp"
#include "vault/test_acquirer.hpp"

namespace diskret::vault {
namespace {

using namespace std::chrono;

class VaultServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.path() / "vault.db");
    ASSERT_TRUE(opened) << opened.error().message();
    db_ = std::make_unique<Database>(std::move(*opened));
    ASSERT_TRUE(migrate(*db_));
    keys_ = std::make_unique<DataKeys>(*db_, clock_);
    ASSERT_TRUE(keys_->load(master_));
    service_ = std::make_unique<VaultService>(*db_, *keys_, acquirer_, clock_);
  }

  CardRecord store(std::string_view number, std::string_view owner = "t1") {
    auto card = service_->store_card(CardInput{number, 12, 2030, "123", "Erika Mustermann"}, owner,
                                     "form:127.0.0.1");
    EXPECT_TRUE(card) << (card ? "" : card.error().error.message());
    return card ? *card : CardRecord{};
  }

  Expected<ChargeOutcome> charge(const std::string& token, std::string key,
                                 std::int64_t amount = 2500, std::string owner = "t1") {
    return service_->charge(ChargeInput{std::move(owner), token, amount, "EUR", std::move(key)});
  }

  test::TempDir dir_;
  FakeClock clock_;
  crypto::SecretKey master_ = crypto::SecretKey::generate();
  TestAcquirer acquirer_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<DataKeys> keys_;
  std::unique_ptr<VaultService> service_;
};

TEST_F(VaultServiceTest, StoresACardAndShowsOnlyBrandAndLastFour) {
  auto card = store("4242 4242 4242 4242");
  EXPECT_EQ(card.brand, Brand::visa);
  EXPECT_EQ(card.last4, "4242");
  EXPECT_EQ(card.first6, "424242");
  EXPECT_EQ(card.exp_month, 12);
  EXPECT_EQ(card.exp_year, 2030);
  auto pan = service_->cards().open_pan(card.token);
  ASSERT_TRUE(pan);
  EXPECT_EQ(pan->view(), "4242424242424242");
}

TEST_F(VaultServiceTest, TokensAreRandomAndUnrelatedToTheNumber) {
  std::set<std::string> tokens;
  for (int i = 0; i < 20; ++i) {
    auto card = store("4242424242424242");
    EXPECT_EQ(card.token.rfind("tok_", 0), 0u);
    EXPECT_EQ(card.token.size(), 4u + 24u);
    for (std::string_view part : {"4242", "424242", "2424"}) {
      EXPECT_EQ(card.token.find(part), std::string::npos) << card.token;
    }
    tokens.insert(card.token);
  }
  EXPECT_EQ(tokens.size(), 20u);  // the same card stored twice gets two unrelated tokens
}

TEST_F(VaultServiceTest, RejectsInvalidCardsWithFieldErrorsAndStoresNothing) {
  auto bad = service_->store_card(CardInput{"4242424242424241", 13, 2030, "12", ""}, "t1", "form:x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().error.code, Errc::invalid_card);
  EXPECT_EQ(bad.error().fields.size(), 4u);
  auto list = service_->list_cards("t1");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
}

TEST_F(VaultServiceTest, CardCheckDeclineIsNotStored) {
  auto card = service_->store_card(CardInput{kTestCardIncorrectCvc, 12, 2030, "123", "A"}, "t1",
                                   "form:x");
  ASSERT_FALSE(card);
  EXPECT_EQ(card.error().error.code, Errc::card_declined);
  EXPECT_EQ(card.error().error.detail, "incorrect_cvc");
  EXPECT_TRUE(service_->list_cards("t1")->empty());
}

TEST_F(VaultServiceTest, ListsOnlyTheOwnersCards) {
  auto a = store("4242424242424242", "t1");
  auto b = store("5555555555554444", "t2");
  auto t1 = service_->list_cards("t1");
  ASSERT_TRUE(t1);
  ASSERT_EQ(t1->size(), 1u);
  EXPECT_EQ(t1->front().token, a.token);
  EXPECT_EQ(service_->list_cards("t2")->front().brand, Brand::mastercard);
  EXPECT_TRUE(service_->list_cards("t3")->empty());
  (void)b;
}

TEST_F(VaultServiceTest, TheThreeTestCardsChargeAsSpecified) {
  auto ok = charge(store(kTestCardApproves).token, "k1");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, ChargeStatus::approved);
  EXPECT_EQ(ok->reason, "");
  EXPECT_EQ(ok->charge_id.rfind("ch_", 0), 0u);

  auto declined = charge(store(kTestCardDeclines).token, "k2");
  ASSERT_TRUE(declined);
  EXPECT_EQ(declined->status, ChargeStatus::declined);
  EXPECT_EQ(declined->reason, "card_declined");

  auto poor = charge(store(kTestCardInsufficientFunds).token, "k3");
  ASSERT_TRUE(poor);
  EXPECT_EQ(poor->status, ChargeStatus::declined);
  EXPECT_EQ(poor->reason, "insufficient_funds");

  auto other = charge(store("5555555555554444").token, "k4");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, ChargeStatus::approved);
  EXPECT_EQ(acquirer_.approved_cents(), 5000);
}

TEST_F(VaultServiceTest, SameIdempotencyKeyChargesOnce) {
  auto token = store(kTestCardApproves).token;
  auto first = charge(token, "topup-1");
  auto second = charge(token, "topup-1");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->charge_id, second->charge_id);
  EXPECT_EQ(second->status, ChargeStatus::approved);
  EXPECT_FALSE(first->replayed);
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(acquirer_.charges_made(), 1u);
  EXPECT_EQ(acquirer_.approved_cents(), 2500);
  // A declined outcome is replayed too, not retried.
  auto declined = store(kTestCardDeclines).token;
  ASSERT_TRUE(charge(declined, "topup-2"));
  auto again = charge(declined, "topup-2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->reason, "card_declined");
  EXPECT_EQ(acquirer_.charges_made(), 2u);
}

TEST_F(VaultServiceTest, SameKeyWithOtherParametersIsAConflict) {
  auto token = store(kTestCardApproves).token;
  ASSERT_TRUE(charge(token, "k"));
  EXPECT_EQ(charge(token, "k", 9999).error().code, Errc::idempotency_conflict);
  auto other_card = store("5555555555554444").token;
  EXPECT_EQ(charge(other_card, "k").error().code, Errc::idempotency_conflict);
  EXPECT_EQ(acquirer_.charges_made(), 1u);
  // The same key of another owner is another charge.
  auto t2_card = store(kTestCardApproves, "t2").token;
  EXPECT_TRUE(charge(t2_card, "k", 2500, "t2"));
  EXPECT_EQ(acquirer_.charges_made(), 2u);
}

TEST_F(VaultServiceTest, AnotherOwnersOrADeletedCardIsNotFound) {
  auto token = store(kTestCardApproves, "t1").token;
  EXPECT_EQ(charge(token, "k1", 100, "t2").error().code, Errc::not_found);
  EXPECT_EQ(charge("tok_unknown", "k2").error().code, Errc::not_found);
  EXPECT_EQ(service_->delete_card("t2", token).error().code, Errc::not_found);
  ASSERT_TRUE(service_->delete_card("t1", token));
  EXPECT_EQ(service_->delete_card("t1", token).error().code, Errc::not_found);
  EXPECT_EQ(charge(token, "k3").error().code, Errc::not_found);
  EXPECT_TRUE(service_->list_cards("t1")->empty());
  EXPECT_EQ(service_->cards().open_pan(token).error().code, Errc::not_found);
  EXPECT_EQ(acquirer_.charges_made(), 0u);
}

TEST_F(VaultServiceTest, ALostAcquirerAnswerIsResumedWithoutASecondCharge) {
  auto token = store(kTestCardApproves).token;
  acquirer_.set_unreachable(true, /*after_charging=*/true);
  auto lost = charge(token, "k");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, Errc::acquirer_unavailable);
  EXPECT_EQ(acquirer_.charges_made(), 1u);
  acquirer_.set_unreachable(false);
  auto resumed = charge(token, "k");
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->status, ChargeStatus::approved);
  EXPECT_EQ(acquirer_.charges_made(), 1u);
  EXPECT_EQ(acquirer_.approved_cents(), 2500);
}

TEST_F(VaultServiceTest, AnExpiredCardIsDeclinedWithoutTheAcquirer) {
  auto token = store(kTestCardApproves).token;  // expires 12/2030
  clock_.set(sys_days{year{2031} / January / 1});
  auto result = charge(token, "k");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, ChargeStatus::declined);
  EXPECT_EQ(result->reason, "expired_card");
  EXPECT_EQ(acquirer_.charges_made(), 0u);
  EXPECT_TRUE(charge(token, "k")->replayed);
}

TEST_F(VaultServiceTest, ValidatesChargeParameters) {
  auto token = store(kTestCardApproves).token;
  EXPECT_EQ(charge(token, "k", 0).error().code, diskret::Errc::invalid_argument);
  EXPECT_EQ(charge(token, "k", kMaxChargeCents + 1).error().code, diskret::Errc::invalid_argument);
  EXPECT_EQ(charge(token, "").error().code, diskret::Errc::invalid_argument);
  EXPECT_EQ(service_->charge(ChargeInput{"t1", token, 100, "eur", "k"}).error().code,
            diskret::Errc::invalid_argument);
  EXPECT_EQ(acquirer_.charges_made(), 0u);
}

TEST_F(VaultServiceTest, EveryChangeIsAudited) {
  auto token = store(kTestCardApproves).token;
  ASSERT_TRUE(charge(token, "k"));
  ASSERT_TRUE(service_->delete_card("t1", token));
  auto entries = service_->audit().entries();
  ASSERT_TRUE(entries);
  std::vector<std::string> events;
  for (const auto& e : *entries) {
    events.push_back(e.event);
    EXPECT_EQ(e.detail.find("4242424242424242"), std::string::npos);
  }
  EXPECT_EQ(events, (std::vector<std::string>{"card.stored", "charge.approved", "card.deleted"}));
  EXPECT_EQ(service_->audit().verify(), 3u);
}

TEST_F(VaultServiceTest, CardsOpenOnlyWithTheSameMasterKey) {
  auto token = store(kTestCardApproves).token;
  DataKeys other(*db_, clock_);
  auto loaded = other.load(crypto::SecretKey::generate());
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, Errc::key_unavailable);
  DataKeys same(*db_, clock_);
  ASSERT_TRUE(same.load(master_));
  EXPECT_EQ(same.active_id(), keys_->active_id());
  (void)token;
}

}  // namespace
}  // namespace diskret::vault

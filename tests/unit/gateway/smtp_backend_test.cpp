// SmtpBackend against in-memory tenancy and a pipeline whose commits are held until the
// test releases them, so "Done only after the commit" is observable.
#include "gateway/smtp_backend.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "api/content_send_policy.hpp"
#include "smtp/errc.hpp"
#include "unit/api/in_memory_services.hpp"

namespace diskret::gateway {
namespace {

using pipeline::TenantId;
using tenancy::Role;

/// Tenants by public id; authenticate() knows exactly the keys added (revoking removes).
class FakeTenants final : public tenancy::TenantService {
 public:
  TenantId add_tenant(std::string public_id, tenancy::TenantSettings settings = {}) {
    tenancy::Tenant t;
    t.id = TenantId{next_++};
    t.public_id = std::move(public_id);
    t.settings = std::move(settings);
    tenants_[t.public_id] = t;
    return t.id;
  }
  void add_key(const std::string& secret, const std::string& tenant, Role role) {
    const auto& t = tenants_.at(tenant);
    keys_[secret] = tenancy::Principal{t.id, t.public_id, role, 1};
  }
  void revoke(const std::string& secret) { keys_.erase(secret); }
  tenancy::TenantSettings& settings(const std::string& tenant) { return tenants_.at(tenant).settings; }
  std::optional<Errc> fail_with;

  Expected<std::pair<tenancy::Tenant, tenancy::CreatedKey>> create_tenant(const std::string&,
                                                                          const std::string&) override {
    return fail(Errc::internal);
  }
  Expected<tenancy::Tenant> find_tenant(const std::string& public_id) override {
    if (fail_with) return fail(*fail_with);
    auto it = tenants_.find(public_id);
    if (it == tenants_.end()) return fail(Errc::not_found);
    return it->second;
  }
  Expected<tenancy::Tenant> get_tenant(TenantId id) override {
    for (const auto& [_, t] : tenants_) {
      if (t.id == id) return t;
    }
    return fail(Errc::not_found);
  }
  Expected<tenancy::CreatedKey> create_api_key(TenantId, const std::string&, Role) override {
    return fail(Errc::internal);
  }
  Expected<std::vector<tenancy::ApiKeyInfo>> list_api_keys(TenantId) override { return {}; }
  Expected<void> revoke_api_key(TenantId, std::uint64_t) override { return {}; }
  Expected<tenancy::Tenant> update_settings(TenantId, const tenancy::TenantSettings&,
                                            std::string_view) override {
    return fail(Errc::internal);
  }
  Expected<tenancy::Principal> authenticate(std::string_view key) override {
    if (fail_with) return fail(*fail_with);
    auto it = keys_.find(std::string(key));
    if (it == keys_.end()) return fail(Errc::permission_denied, "unknown key");
    return it->second;
  }

 private:
  std::uint64_t next_ = 1;
  std::map<std::string, tenancy::Tenant> tenants_;
  std::map<std::string, tenancy::Principal> keys_;
};

/// Holds accept() until commit() runs it on the in-memory pipeline (as a real group
/// commit answers later, on another thread).
class HeldPipeline final : public pipeline::Pipeline {
 public:
  api::test::InMemoryPipeline store;
  std::vector<std::function<void()>> held;

  void commit() {
    auto pending = std::move(held);
    held.clear();
    for (auto& f : pending) f();
  }

  std::vector<pipeline::MessageId> preassign(std::size_t count) override { return store.preassign(count); }
  void accept(pipeline::AcceptRequest&& request, const std::vector<pipeline::MessageId>& ids,
              std::function<void(Expected<pipeline::AcceptResult>)> done) override {
    held.push_back([this, request = std::move(request), ids, done = std::move(done)]() mutable {
      store.accept(std::move(request), ids, std::move(done));
    });
  }
  Expected<std::optional<std::pair<std::string, std::string>>> find_idempotent(
      TenantId t, const std::string& k) override {
    return store.find_idempotent(t, k);
  }
  Expected<pipeline::MessageView> get(TenantId t, pipeline::MessageId id) override { return store.get(t, id); }
  Expected<std::vector<pipeline::MessageView>> list(TenantId t, const pipeline::MessageFilter& f) override {
    return store.list(t, f);
  }
  pipeline::Stats stats() const override { return store.stats(); }
  bool ready() const override { return true; }
};

/// Suppresses the numbers in `opted_out` (code "suppressed", as ContactsSendPolicy does);
/// `down` makes the check unavailable.
class FakeSendPolicy final : public api::SendPolicy {
 public:
  std::vector<std::string> opted_out;
  bool down = false;
  int screens = 0;

  Expected<void, http::Problem> prepare(const api::Caller&, api::SendRequest&) override { return {}; }
  Expected<void, http::Problem> screen(const api::Caller& caller,
                                       std::vector<pipeline::NewMessage>& messages) override {
    ++screens;
    EXPECT_EQ(caller.principal.tenant_public_id, "tn_alpha");
    if (down) return unexpected(http::Problem{503, "unavailable", "Unavailable", "", {}, {}});
    for (auto& m : messages) {
      if (std::find(opted_out.begin(), opted_out.end(), m.to) != opted_out.end()) {
        m.rejected = pipeline::MessageError{"suppressed", "opted out"};
      }
    }
    return {};
  }
};

class SmtpBackendTest : public ::testing::Test {
 protected:
  SmtpBackendTest() {
    tenants_.add_tenant("tn_alpha");
    tenants_.add_tenant("tn_beta");
    tenants_.add_key("dsk_live_alpha", "tn_alpha", Role::sender);
    tenants_.add_key("dsk_live_beta", "tn_beta", Role::owner);
    tenants_.add_key("dsk_live_view", "tn_alpha", Role::viewer);
  }

  smtp::Submission mail(std::vector<std::string> to, std::string text) {
    return smtp::Submission{{"tn_alpha", false}, "a@b.de", std::move(to), std::move(text)};
  }

  FakeTenants tenants_;
  HeldPipeline pipeline_;
  FakeSendPolicy policy_;
  SmtpBackend backend_{tenants_, pipeline_, {*sms::SenderId::parse("Praxis"), &policy_}};
};

bool denied(const Error& e) { return e.code == make_error_code(Errc::permission_denied); }

TEST_F(SmtpBackendTest, KeyOfTheNamedTenantAuthenticates) {
  auto ref = backend_.authenticate("tn_alpha", "dsk_live_alpha");
  ASSERT_TRUE(ref) << ref.error().detail;
  EXPECT_EQ(ref->id, "tn_alpha");
  EXPECT_TRUE(backend_.authenticate("tn_beta", "dsk_live_beta"));
}

TEST_F(SmtpBackendTest, KeyOfAnotherTenantIsRefusedWithoutDetail) {
  auto ref = backend_.authenticate("tn_alpha", "dsk_live_beta");
  ASSERT_FALSE(ref);
  EXPECT_TRUE(denied(ref.error()));
  EXPECT_TRUE(ref.error().detail.empty());
  EXPECT_FALSE(backend_.authenticate("tn_alph", "dsk_live_alpha"));
  EXPECT_FALSE(backend_.authenticate("", "dsk_live_alpha"));
}

TEST_F(SmtpBackendTest, UnknownOrRevokedKeyIsRefused) {
  auto wrong = backend_.authenticate("tn_alpha", "dsk_live_wrong");
  ASSERT_FALSE(wrong);
  EXPECT_TRUE(denied(wrong.error()));
  EXPECT_TRUE(wrong.error().detail.empty()) << "nothing about the key leaks";
  tenants_.revoke("dsk_live_alpha");
  auto revoked = backend_.authenticate("tn_alpha", "dsk_live_alpha");
  ASSERT_FALSE(revoked);
  EXPECT_TRUE(denied(revoked.error()));
}

TEST_F(SmtpBackendTest, ViewerKeyMayNotSend) {
  auto ref = backend_.authenticate("tn_alpha", "dsk_live_view");
  ASSERT_FALSE(ref);
  EXPECT_TRUE(denied(ref.error()));
}

TEST_F(SmtpBackendTest, TenancyOutageIsTemporary) {
  tenants_.fail_with = Errc::unavailable;
  auto ref = backend_.authenticate("tn_alpha", "dsk_live_alpha");
  ASSERT_FALSE(ref);
  EXPECT_TRUE(smtp::is_temporary(ref.error()));
}

TEST_F(SmtpBackendTest, SenderAddressAloneIsRefusedWithAReason) {
  auto ref = backend_.tenant_for_sender("a@b.de", "127.0.0.1");
  ASSERT_FALSE(ref);
  EXPECT_TRUE(denied(ref.error()));
  EXPECT_FALSE(ref.error().detail.empty());
}

TEST_F(SmtpBackendTest, RecipientRulesAreThoseOfTheApi) {
  smtp::TenantRef alpha{"tn_alpha", false};
  EXPECT_TRUE(backend_.check_recipient(alpha, "015112345678"));
  EXPECT_TRUE(backend_.check_recipient(alpha, "+4915112345678"));

  auto invalid = backend_.check_recipient(alpha, "0151");
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, make_error_code(Errc::invalid_argument));
  EXPECT_NE(invalid.error().detail.find("Not a valid phone number"), std::string::npos);
  EXPECT_FALSE(smtp::is_temporary(invalid.error()));

  // Default: the tenant's own region only; the allowed list widens it.
  auto foreign = backend_.check_recipient(alpha, "+33612345678");
  ASSERT_FALSE(foreign);
  EXPECT_TRUE(denied(foreign.error()));
  EXPECT_NE(foreign.error().detail.find("FR"), std::string::npos) << foreign.error().detail;
  tenants_.settings("tn_alpha").allowed_countries = {"DE", "FR"};
  EXPECT_TRUE(backend_.check_recipient(alpha, "+33612345678"));
}

TEST_F(SmtpBackendTest, SubmitPlansWithTheApiRulesAndAnswersOnlyAfterTheCommit) {
  std::optional<Expected<void>> answer;
  backend_.submit(mail({"015112345678", "+49 151 98765432"}, "Hallo aus der Mail"),
                  [&](Expected<void> r) { answer = std::move(r); });
  EXPECT_FALSE(answer) << "answered before the commit";
  ASSERT_EQ(pipeline_.held.size(), 1u);
  EXPECT_TRUE(pipeline_.store.stored.empty());
  pipeline_.commit();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(*answer);
  ASSERT_EQ(pipeline_.store.stored.size(), 2u);
  const auto& first = pipeline_.store.stored[0];
  EXPECT_EQ(first.message.to, "+4915112345678");
  EXPECT_EQ(first.message.from, "Praxis");
  EXPECT_EQ(first.message.text, "Hallo aus der Mail");
  EXPECT_EQ(first.message.category, pipeline::Category::transactional);
  EXPECT_EQ(first.message.segments, 1u);
  EXPECT_EQ(first.message.encoding, "gsm7");
  EXPECT_FALSE(first.message.rejected);
  EXPECT_EQ(pipeline_.store.stored[1].message.to, "+4915198765432");
  EXPECT_EQ(first.tenant, tenants_.find_tenant("tn_alpha")->id);
}

TEST_F(SmtpBackendTest, FailedCommitIsTemporary) {
  pipeline_.store.fail_commits_with = Errc::unavailable;
  std::optional<Expected<void>> answer;
  backend_.submit(mail({"015112345678"}, "Hallo"), [&](Expected<void> r) { answer = std::move(r); });
  EXPECT_FALSE(answer);
  pipeline_.commit();
  ASSERT_TRUE(answer);
  ASSERT_FALSE(*answer);
  EXPECT_EQ(answer->error().code, make_error_code(Errc::unavailable));
}

TEST_F(SmtpBackendTest, TextOverTheSegmentLimitIsRefusedWithASentence) {
  tenants_.settings("tn_alpha").max_segments = 2;
  std::optional<Expected<void>> answer;
  backend_.submit(mail({"015112345678"}, std::string(307, 'a')), [&](Expected<void> r) { answer = std::move(r); });
  ASSERT_TRUE(answer);
  ASSERT_FALSE(*answer);
  EXPECT_FALSE(smtp::is_temporary(answer->error()));
  EXPECT_NE(answer->error().detail.find("needs 3 SMS parts"), std::string::npos) << answer->error().detail;
  EXPECT_TRUE(pipeline_.held.empty());

  answer.reset();
  backend_.submit(mail({"015112345678"}, std::string(306, 'a')), [&](Expected<void> r) { answer = std::move(r); });
  pipeline_.commit();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(*answer);
}

TEST_F(SmtpBackendTest, EmptyTextIsRefused) {
  std::optional<Expected<void>> answer;
  backend_.submit(mail({"015112345678"}, ""), [&](Expected<void> r) { answer = std::move(r); });
  ASSERT_TRUE(answer);
  ASSERT_FALSE(*answer);
  EXPECT_FALSE(smtp::is_temporary(answer->error()));
  EXPECT_TRUE(pipeline_.held.empty());
}

TEST_F(SmtpBackendTest, OptedOutRecipientIsRefusedAtRcptWithASentence) {
  smtp::TenantRef alpha{"tn_alpha", false};
  policy_.opted_out = {"+4915112345678"};
  auto refused = backend_.check_recipient(alpha, "0151 12345678");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(denied(refused.error()));
  EXPECT_NE(refused.error().detail.find("opted out"), std::string::npos) << refused.error().detail;
  EXPECT_TRUE(backend_.check_recipient(alpha, "015198765432"));

  policy_.down = true;
  auto unknown = backend_.check_recipient(alpha, "015198765432");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(smtp::is_temporary(unknown.error())) << "no guess when the list cannot be read";
}

TEST_F(SmtpBackendTest, OptOutBetweenRcptAndDataIsStoredRejectedAsSuppressed) {
  policy_.opted_out = {"+4915198765432"};
  std::optional<Expected<void>> answer;
  backend_.submit(mail({"015112345678", "015198765432"}, "Ihr Termin morgen um 9 Uhr"),
                  [&](Expected<void> r) { answer = std::move(r); });
  pipeline_.commit();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(*answer);
  ASSERT_EQ(pipeline_.store.stored.size(), 2u);
  EXPECT_FALSE(pipeline_.store.stored[0].message.rejected);
  ASSERT_TRUE(pipeline_.store.stored[1].message.rejected);
  EXPECT_EQ(pipeline_.store.stored[1].message.rejected->code, "suppressed");

  policy_.down = true;
  answer.reset();
  backend_.submit(mail({"015112345678"}, "Hallo"), [&](Expected<void> r) { answer = std::move(r); });
  ASSERT_TRUE(answer);
  ASSERT_FALSE(*answer);
  EXPECT_TRUE(smtp::is_temporary(answer->error()));
  EXPECT_TRUE(pipeline_.held.empty()) << "nothing accepted unscreened";
}

// Content safeguards (issue 12) on email to SMS: the ContentSendPolicy around the contacts
// rules, as `serve` wires it.
class SmtpContentTest : public SmtpBackendTest {
 protected:
  FakeClock clock_;
  content::MemoryContentSettingsStore content_store_;
  content::ContentService content_{content_store_, clock_};
  api::ContentSendPolicy content_policy_{&policy_, content_, "smtp",
                                         api::ContentSendPolicy::SmartInScreen::yes};
  SmtpBackend content_backend_{tenants_, pipeline_,
                               {*sms::SenderId::parse("Praxis"), &content_policy_}};
};

TEST_F(SmtpContentTest, SensitiveContentRefusesTheMailWithASentenceAndStoresNothing) {
  std::optional<Expected<void>> answer;
  content_backend_.submit(mail({"015112345678", "015198765432"},
                               "Bitte zahlen Sie auf DE89 3704 0044 0532 0130 00 ein."),
                          [&](Expected<void> r) { answer = std::move(r); });
  ASSERT_TRUE(answer) << "refused at once, before any commit";
  ASSERT_FALSE(*answer);
  EXPECT_EQ(answer->error().code, smtp::make_error_code(smtp::Errc::content_refused));
  EXPECT_NE(answer->error().detail.find("iban"), std::string::npos) << answer->error().detail;
  EXPECT_EQ(answer->error().detail.find("3704"), std::string::npos);
  EXPECT_TRUE(pipeline_.held.empty());
  EXPECT_EQ(content_.guard().count(dlp::Kind::iban, dlp::Action::rejected), 1u);
}

TEST_F(SmtpContentTest, MailTextIsSmartEncodedAndOrderNumbersPass) {
  std::optional<Expected<void>> answer;
  content_backend_.submit(mail({"015112345678"}, "Ihre Bestellung 1234567890123456 \u2013 danke\u2026"),
                          [&](Expected<void> r) { answer = std::move(r); });
  pipeline_.commit();
  ASSERT_TRUE(answer);
  EXPECT_TRUE(*answer);
  ASSERT_EQ(pipeline_.store.stored.size(), 1u);
  EXPECT_EQ(pipeline_.store.stored[0].message.text, "Ihre Bestellung 1234567890123456 - danke...");
  EXPECT_EQ(pipeline_.store.stored[0].message.encoding, "gsm7");
}

}  // namespace
}  // namespace diskret::gateway

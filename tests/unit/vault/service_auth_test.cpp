#include "vault/service_auth.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "vault/errc.hpp"
#include "vault_client/signing.hpp"

namespace diskret::vault {
namespace {

using namespace std::chrono_literals;
using test::counting_key;

constexpr std::int64_t kNow = 1'700'000'000;  // FakeClock's default start

http::Request signed_request(std::string method, std::string target, std::string body,
                             std::int64_t at = kNow, const crypto::SecretKey& key = counting_key()) {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.path = r.target.substr(0, r.target.find('?'));
  r.body = std::move(body);
  auto h = vault_client::sign_request(key, r.method, r.target, r.body, at);
  r.headers = {{std::string(vault_client::kTimestampHeader), h.timestamp},
               {std::string(vault_client::kNonceHeader), h.nonce},
               {std::string(vault_client::kSignatureHeader), h.signature}};
  return r;
}

void set_header(http::Request& r, std::string_view name, std::string value) {
  for (auto& [k, v] : r.headers) {
    if (k == name) v = std::move(value);
  }
}

class ServiceAuthTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  ServiceAuth auth_{counting_key(), clock_};
};

TEST_F(ServiceAuthTest, AcceptsACorrectlySignedRequest) {
  EXPECT_TRUE(auth_.verify(signed_request("POST", "/v1/service/charges", R"({"a":1})")));
  EXPECT_TRUE(auth_.verify(signed_request("GET", "/v1/service/cards?owner=t1", "")));
}

TEST_F(ServiceAuthTest, RefusesMissingHeaders) {
  http::Request r;
  r.method = "GET";
  r.target = "/v1/service/cards?owner=t1";
  auto result = auth_.verify(r);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::unauthenticated);
}

TEST_F(ServiceAuthTest, RefusesAnyTamperedPart) {
  auto body = signed_request("POST", "/v1/service/charges", R"({"amount_cents":100})");
  body.body = R"({"amount_cents":900})";
  EXPECT_EQ(auth_.verify(body).error().code, Errc::unauthenticated);

  auto target = signed_request("GET", "/v1/service/cards?owner=t1", "");
  target.target = "/v1/service/cards?owner=t2";
  EXPECT_EQ(auth_.verify(target).error().code, Errc::unauthenticated);

  auto method = signed_request("GET", "/v1/service/cards/tok_x?owner=t1", "");
  method.method = "DELETE";
  EXPECT_EQ(auth_.verify(method).error().code, Errc::unauthenticated);

  auto other_key = signed_request("GET", "/x", "", kNow, crypto::SecretKey::generate());
  EXPECT_EQ(auth_.verify(other_key).error().code, Errc::unauthenticated);

  auto flipped = signed_request("GET", "/x", "");
  std::string sig(flipped.header(vault_client::kSignatureHeader));
  sig[10] = sig[10] == '0' ? '1' : '0';
  set_header(flipped, vault_client::kSignatureHeader, sig);
  EXPECT_EQ(auth_.verify(flipped).error().code, Errc::unauthenticated);
}

TEST_F(ServiceAuthTest, RefusesMalformedHeaders) {
  auto upper = signed_request("GET", "/x", "");
  std::string sig(upper.header(vault_client::kSignatureHeader));
  for (auto& c : sig) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  set_header(upper, vault_client::kSignatureHeader, sig);
  EXPECT_EQ(auth_.verify(upper).error().code, Errc::unauthenticated);

  auto ts = signed_request("GET", "/x", "");
  set_header(ts, vault_client::kTimestampHeader, "17e8");
  EXPECT_EQ(auth_.verify(ts).error().code, Errc::unauthenticated);

  auto nonce = signed_request("GET", "/x", "");
  set_header(nonce, vault_client::kNonceHeader, "short");
  EXPECT_EQ(auth_.verify(nonce).error().code, Errc::unauthenticated);
}

TEST_F(ServiceAuthTest, RefusesStaleAndFutureTimestamps) {
  EXPECT_TRUE(auth_.verify(signed_request("GET", "/x", "", kNow - 300)));
  EXPECT_TRUE(auth_.verify(signed_request("GET", "/x", "", kNow + 300)));
  EXPECT_EQ(auth_.verify(signed_request("GET", "/x", "", kNow - 301)).error().code,
            Errc::stale_request);
  EXPECT_EQ(auth_.verify(signed_request("GET", "/x", "", kNow + 301)).error().code,
            Errc::stale_request);
}

TEST_F(ServiceAuthTest, RefusesAReplayWithinTheWindow) {
  auto r = signed_request("POST", "/v1/service/charges", "{}");
  ASSERT_TRUE(auth_.verify(r));
  auto again = auth_.verify(r);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::replayed_request);
  clock_.advance(299s);
  EXPECT_EQ(auth_.verify(r).error().code, Errc::replayed_request);
  // Once the timestamp is too old the request is stale; the nonce may then be forgotten.
  clock_.advance(2s);
  EXPECT_EQ(auth_.verify(r).error().code, Errc::stale_request);
}

TEST_F(ServiceAuthTest, ForgetsNoncesOnlyAfterTheirTimestampExpired) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(auth_.verify(signed_request("GET", "/x", "")));
  EXPECT_EQ(auth_.remembered_nonces(), 50u);
  clock_.advance(200s);
  ASSERT_TRUE(auth_.verify(signed_request("GET", "/x", "", kNow + 200)));
  EXPECT_EQ(auth_.remembered_nonces(), 51u);
  clock_.advance(101s);  // the first 50 are now older than 300 s
  ASSERT_TRUE(auth_.verify(signed_request("GET", "/x", "", kNow + 301)));
  EXPECT_EQ(auth_.remembered_nonces(), 2u);
}

TEST_F(ServiceAuthTest, AFailedSignatureDoesNotUseUpTheNonce) {
  auto r = signed_request("POST", "/v1/service/charges", "{}");
  auto forged = r;
  forged.body = "{\"x\":1}";
  EXPECT_EQ(auth_.verify(forged).error().code, Errc::unauthenticated);
  EXPECT_TRUE(auth_.verify(r));
}

TEST_F(ServiceAuthTest, OwnerSignatureOfTheForm) {
  const auto expires = kNow + 600;
  const auto sig = vault_client::owner_signature(counting_key(), "t1", expires);
  EXPECT_TRUE(auth_.verify_owner("t1", std::to_string(expires), sig));
  EXPECT_EQ(auth_.verify_owner("t2", std::to_string(expires), sig).error().code, Errc::bad_form_link);
  EXPECT_EQ(auth_.verify_owner("t1", std::to_string(expires + 1), sig).error().code,
            Errc::bad_form_link);
  EXPECT_EQ(auth_.verify_owner("t1", "", sig).error().code, Errc::bad_form_link);
  EXPECT_EQ(auth_.verify_owner("", std::to_string(expires), sig).error().code, Errc::bad_form_link);
  EXPECT_EQ(auth_.verify_owner("t1", std::to_string(expires), "").error().code, Errc::bad_form_link);
  clock_.advance(601s);
  EXPECT_EQ(auth_.verify_owner("t1", std::to_string(expires), sig).error().code, Errc::bad_form_link);
}

}  // namespace
}  // namespace diskret::vault

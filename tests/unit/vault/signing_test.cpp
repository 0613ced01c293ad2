// The signing scheme shared by the vault and the platform's client, against vectors
// computed independently with `openssl dgst -sha256 -mac HMAC`.
#include "vault_client/signing.hpp"

#include <gtest/gtest.h>

#include "crypto/digest.hpp"
#include "test_support.hpp"
#include "vault_client/vault_client.hpp"

namespace diskret::vault_client {
namespace {

using vault::test::counting_key;

TEST(Digest, Sha256MatchesKnownVectors) {
  EXPECT_EQ(crypto::sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(crypto::sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, HmacSha256MatchesOpenssl) {
  EXPECT_EQ(crypto::hmac_sha256_hex(counting_key(), "diskret"),
            "b3b8ac3f3a82235cb35bd3658dfe23225e2357eefd6bb015e59e1645564bded0");
}

TEST(Signing, CanonicalRequestJoinsFieldsWithBodyHash) {
  EXPECT_EQ(canonical_request("GET", "/v1/service/cards?owner=t1", "1700000000",
                              "nonce-nonce-nonce-1", ""),
            "GET\n/v1/service/cards?owner=t1\n1700000000\nnonce-nonce-nonce-1\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Signing, RequestSignatureMatchesOpenssl) {
  EXPECT_EQ(request_signature(counting_key(), "GET", "/v1/service/cards?owner=t1", "1700000000",
                              "nonce-nonce-nonce-1", ""),
            "0bf210daa2c9c00f265faa520fd48c2ac67dcf4f8397b7b254a47acf770309b8");
}

TEST(Signing, EveryPartChangesTheSignature) {
  const auto key = counting_key();
  const auto base = request_signature(key, "POST", "/a", "1", "n", "{}");
  EXPECT_NE(base, request_signature(key, "PUT", "/a", "1", "n", "{}"));
  EXPECT_NE(base, request_signature(key, "POST", "/b", "1", "n", "{}"));
  EXPECT_NE(base, request_signature(key, "POST", "/a", "2", "n", "{}"));
  EXPECT_NE(base, request_signature(key, "POST", "/a", "1", "m", "{}"));
  EXPECT_NE(base, request_signature(key, "POST", "/a", "1", "n", "{ }"));
  EXPECT_NE(base, request_signature(crypto::SecretKey::generate(), "POST", "/a", "1", "n", "{}"));
}

TEST(Signing, SignRequestUsesFreshValidNonces) {
  auto a = sign_request(counting_key(), "GET", "/x", "", 1700000000);
  auto b = sign_request(counting_key(), "GET", "/x", "", 1700000000);
  EXPECT_EQ(a.timestamp, "1700000000");
  EXPECT_TRUE(valid_nonce(a.nonce));
  EXPECT_NE(a.nonce, b.nonce);
  EXPECT_EQ(a.signature, request_signature(counting_key(), "GET", "/x", a.timestamp, a.nonce, ""));
}

TEST(Signing, OwnerAndNonceCharacterRules) {
  EXPECT_TRUE(valid_owner("tenant_01:eu.a-b"));
  EXPECT_FALSE(valid_owner(""));
  EXPECT_FALSE(valid_owner(std::string(65, 'a')));
  EXPECT_FALSE(valid_owner("a&b"));
  EXPECT_FALSE(valid_owner("a b"));
  EXPECT_FALSE(valid_owner("<t>"));
  EXPECT_TRUE(valid_nonce(std::string(16, 'a')));
  EXPECT_FALSE(valid_nonce(std::string(15, 'a')));
  EXPECT_FALSE(valid_nonce(std::string(65, 'a')));
  EXPECT_FALSE(valid_nonce("aaaaaaaaaaaaaaa."));
}

TEST(Signing, OwnerSignatureBindsOwnerAndExpiry) {
  const auto key = counting_key();
  const auto sig = owner_signature(key, "t1", 1700000000);
  EXPECT_EQ(sig, crypto::hmac_sha256_hex(key, "form\nt1\n1700000000"));
  EXPECT_NE(sig, owner_signature(key, "t2", 1700000000));
  EXPECT_NE(sig, owner_signature(key, "t1", 1700000001));
}

TEST(VaultClient, FormUrlCarriesSignedOwnerAndExpiry) {
  FakeClock clock;  // 1'700'000'000
  VaultClientConfig config;
  config.base_url = "http://vault.example:8443";
  config.form_ttl = std::chrono::seconds(600);
  auto client = VaultClient::create(config, counting_key(), clock);
  ASSERT_TRUE(client);
  auto url = client->form_url("t1");
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, "http://vault.example:8443/form?owner=t1&expires=1700000600&sig=" +
                      owner_signature(counting_key(), "t1", 1700000600));
  EXPECT_FALSE(client->form_url("bad owner"));
}

TEST(VaultClient, RefusesUrlsItCannotUse) {
  EXPECT_FALSE(VaultClient::create({"https://vault.example"}, counting_key()));
  EXPECT_FALSE(VaultClient::create({"vault.example:8443"}, counting_key()));
  EXPECT_FALSE(VaultClient::create({"http://:8443"}, counting_key()));
  EXPECT_FALSE(VaultClient::create({"http://h:99999"}, counting_key()));
  EXPECT_TRUE(VaultClient::create({"http://[::1]:8443/vault/"}, counting_key()));
}

TEST(BaseUrl, ParsesHostPortAndPrefix) {
  auto u = parse_base_url("http://[::1]:8443/vault/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->path_prefix, "/vault");
  EXPECT_EQ(u->origin, "http://[::1]:8443");
  auto plain = parse_base_url("http://localhost");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->path_prefix, "");
}

TEST(VaultClient, UnreachableVaultIsAnError) {
  // Port 1 on loopback: nothing listens, the connect is refused at once.
  auto client = VaultClient::create({"http://127.0.0.1:1", std::chrono::milliseconds(2000)},
                                    counting_key());
  ASSERT_TRUE(client);
  auto cards = client->list_cards("t1");
  ASSERT_FALSE(cards);
  EXPECT_EQ(cards.error().code, Errc::unreachable);
}

}  // namespace
}  // namespace diskret::vault_client

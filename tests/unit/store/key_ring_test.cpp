#include <gtest/gtest.h>

#include <sqlite3.h>

#include "crypto/secret_box.hpp"
#include "unit/store/store_fixture.hpp"

namespace diskret::store {
namespace {

using testing::StoreFixture;
using testing::TempDir;

constexpr std::string_view kNumber = "+4915112345678";
constexpr std::string_view kText = "Ihr Code lautet 271828";

// Writes one message whose payload is the number and text sealed under the subject key.
std::uint64_t write_message(StoreFixture& f, std::uint64_t tenant, std::uint64_t id,
                            std::string_view number, std::string_view text) {
  auto tx = f.store->begin();
  EXPECT_TRUE(tx);
  auto keys = f.keys->tenant(tenant);
  EXPECT_TRUE(keys);
  auto subject = f.keys->subject_for_write(**tx, tenant, **keys, number, f.clock.now_ms());
  EXPECT_TRUE(subject);
  MessageRecord m;
  m.id = id;
  m.tenant_id = tenant;
  m.subject_id = subject->subject_id;
  m.encoding = "gsm7";
  m.sender = "Diskret";
  m.payload = crypto::seal(subject->key, std::string(number) + "\n" + std::string(text),
                           crypto::record_ad(tenant, "messages", id, "payload"));
  EXPECT_TRUE((*tx)->insert_message(m));
  EXPECT_TRUE((*tx)->commit());
  f.keys->publish_new_subjects();
  return subject->subject_id;
}

Expected<std::string> read_message(StoreFixture& f, std::uint64_t tenant, std::uint64_t id) {
  auto m = f.store->message(tenant, id);
  if (!m || !*m) return fail(Errc::not_found);
  auto key = f.keys->subject_key(tenant, *(*m)->subject_id);
  if (!key) return unexpected(key.error());
  return crypto::open(*key, (*m)->payload, crypto::record_ad(tenant, "messages", id, "payload"));
}

TEST(KeyRing, MessageRoundTripDecryptsAfterRestart) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  write_message(f, tenant, 1 << 16, kNumber, kText);
  f.open();  // new KeyRing: nothing cached, keys come from keys.db
  auto plain = read_message(f, tenant, 1 << 16);
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(*plain, std::string(kNumber) + "\n" + std::string(kText));
}

TEST(KeyRing, SameNumberSameTenantReusesTheSubject) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  const auto first = write_message(f, tenant, 1 << 16, kNumber, kText);
  f.open();
  const auto second = write_message(f, tenant, 2 << 16, kNumber, kText);
  EXPECT_EQ(first, second);
  const auto third = write_message(f, tenant, 3 << 16, "+4915112345679", kText);
  EXPECT_NE(third, first);
}

// Another process (here: a second KeyRing on the same files) creates a person after this
// KeyRing loaded its filter of known people: the filter says "new", the key store says
// otherwise, and the existing person is used, not a second one.
TEST(KeyRing, PersonCreatedElsewhereAfterTheFilterLoadedIsReused) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  write_message(f, tenant, 1 << 16, kNumber, kText);  // loads f.keys' filter

  KeyRing other(*f.store, f.master, "testkey0testkey0");
  std::uint64_t elsewhere = 0;
  {
    auto tx = f.store->begin();
    ASSERT_TRUE(tx);
    auto keys = other.tenant(tenant);
    ASSERT_TRUE(keys);
    auto subject = other.subject_for_write(**tx, tenant, **keys, "+4915112345679", f.clock.now_ms());
    ASSERT_TRUE(subject);
    elsewhere = subject->subject_id;
    ASSERT_TRUE((*tx)->commit());
    other.publish_new_subjects();
  }
  const auto here = write_message(f, tenant, 2 << 16, "+4915112345679", kText);
  EXPECT_EQ(here, elsewhere);
  auto plain = read_message(f, tenant, 2 << 16);
  ASSERT_TRUE(plain) << plain.error().message();
  // And the filter was rebuilt: a third number is new, a known one is found.
  EXPECT_NE(write_message(f, tenant, 3 << 16, "+4915112345670", kText), here);
  EXPECT_EQ(write_message(f, tenant, 4 << 16, "+4915112345679", kText), here);
}

TEST(SubjectFilter, KnowsEveryoneAddedAndRarelyClaimsOthers) {
  SubjectFilter filter;
  const auto blind_of = [](std::uint64_t i) {
    Blind b{};
    // Blind indexes are keyed hashes: spread the bits like one.
    std::uint64_t x = i * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
    for (auto& byte : b) {
      x ^= x >> 29;
      x *= 0xbf58476d1ce4e5b9ULL;
      byte = static_cast<std::uint8_t>(x >> 56);
    }
    return b;
  };
  for (std::uint64_t i = 0; i < 50'000; ++i) filter.add(7, blind_of(i));
  for (std::uint64_t i = 0; i < 50'000; ++i) ASSERT_TRUE(filter.may_contain(7, blind_of(i)));
  int false_positives = 0;
  for (std::uint64_t i = 50'000; i < 150'000; ++i) false_positives += filter.may_contain(7, blind_of(i));
  EXPECT_LT(false_positives, 1'000);  // under 1 %
  // The same blind index in another tenant is another person.
  int other_tenant = 0;
  for (std::uint64_t i = 0; i < 10'000; ++i) other_tenant += filter.may_contain(8, blind_of(i));
  EXPECT_LT(other_tenant, 100);
  EXPECT_FALSE(filter.full());
}

TEST(KeyRing, CiphertextMovedToAnotherRowFailsToOpen) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  write_message(f, tenant, 1 << 16, kNumber, kText);
  write_message(f, tenant, 2 << 16, kNumber, "other text");
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "diskret.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "UPDATE messages SET payload = (SELECT payload FROM messages WHERE id = 65536)"
                         " WHERE id = 131072",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_TRUE(read_message(f, tenant, 1 << 16));
  auto moved = read_message(f, tenant, 2 << 16);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, make_error_code(crypto::Errc::authentication_failed));
}

TEST(KeyRing, SameNumberInTwoTenantsIsNotLinkable) {
  TempDir dir;
  StoreFixture f(dir);
  const auto a = f.create_tenant("tn_a");
  const auto b = f.create_tenant("tn_b");
  const auto blind_a = KeyRing::blind(**f.keys->tenant(a), kNumber);
  const auto blind_b = KeyRing::blind(**f.keys->tenant(b), kNumber);
  EXPECT_NE(blind_a, blind_b);
  const auto subject_a = write_message(f, a, 1 << 16, kNumber, kText);
  const auto subject_b = write_message(f, b, 2 << 16, kNumber, kText);
  EXPECT_NE(subject_a, subject_b);
  auto key_a = f.keys->subject_key(a, subject_a);
  auto key_b = f.keys->subject_key(b, subject_b);
  ASSERT_TRUE(key_a && key_b);
  EXPECT_NE(std::string_view(reinterpret_cast<const char*>(key_a->data()), 32),
            std::string_view(reinterpret_cast<const char*>(key_b->data()), 32));
  // A tenant cannot use another tenant's subject.
  auto crossed = f.keys->subject_key(a, subject_b);
  ASSERT_FALSE(crossed);
  EXPECT_FALSE(read_message(f, b, 1 << 16));
}

// The dispatcher opens a page of a backlog at a time: the page's keys come from the key
// store in one read and are cached, for their tenants only.
TEST(KeyRing, PreloadedSubjectKeysOpenWithoutTheKeyStore) {
  TempDir dir;
  StoreFixture f(dir);
  const auto a = f.create_tenant("tn_a");
  const auto b = f.create_tenant("tn_b");
  const auto first = write_message(f, a, 1 << 16, kNumber, kText);
  const auto second = write_message(f, b, 2 << 16, "+4915112345679", kText);
  f.open();  // a new KeyRing: nothing cached
  f.keys->preload_subjects({second, first, first, second + 1000});
  // Gone from the key store, the preloaded keys still open the messages.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "keys.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "DELETE FROM subjects", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto plain = read_message(f, a, 1 << 16);
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(*plain, std::string(kNumber) + "\n" + std::string(kText));
  EXPECT_TRUE(read_message(f, b, 2 << 16));
  EXPECT_FALSE(f.keys->subject_key(a, second));  // cached, still another tenant's
  auto unknown = f.keys->subject_key(a, second + 1000);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, make_error_code(Errc::not_found));
}

TEST(KeyRing, PlaintextAppearsInNoDatabaseFile) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  for (std::uint64_t i = 1; i <= 20; ++i) write_message(f, tenant, i << 16, kNumber, kText);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string bytes = testing::read_file(entry.path());
    ++files;
    EXPECT_EQ(bytes.find(kNumber), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(kNumber.substr(1)), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(kText), std::string::npos) << entry.path();
  }
  EXPECT_GE(files, 4);  // both databases and their -wal files
  EXPECT_TRUE(read_message(f, tenant, 20 << 16));
}

TEST(KeyRing, WrongMasterKeyCannotOpenTenantKey) {
  TempDir dir;
  StoreFixture f(dir);
  const auto tenant = f.create_tenant("tn_a");
  KeyRing other(*f.store, crypto::SecretKey::generate(), "testkey0testkey0");
  auto keys = other.tenant(tenant);
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().code, make_error_code(Errc::corrupt));
  KeyRing renamed(*f.store, f.master, "otherkeyotherkey");
  EXPECT_FALSE(renamed.tenant(tenant));
}

}  // namespace
}  // namespace diskret::store

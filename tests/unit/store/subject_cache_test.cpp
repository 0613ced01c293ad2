#include "store/subject_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <list>
#include <random>

namespace diskret::store {
namespace {

TEST(SubjectCache, EvictsLeastRecentlyUsed) {
  SubjectCache cache(2);
  CachedSubject s1{1, Blind{1}, 11, crypto::SecretKey::generate()};
  CachedSubject s2{1, Blind{2}, 12, crypto::SecretKey::generate()};
  CachedSubject s3{1, Blind{3}, 13, crypto::SecretKey::generate()};
  cache.put(s1);
  cache.put(s2);
  ASSERT_TRUE(cache.find(1, Blind{1}));  // s1 now most recent
  cache.put(s3);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find(11));
  EXPECT_FALSE(cache.find(12));
  EXPECT_FALSE(cache.find(1, Blind{2}));
  EXPECT_TRUE(cache.find(1, Blind{3}));
  cache.erase(11);
  EXPECT_FALSE(cache.find(1, Blind{1}));
  EXPECT_EQ(cache.size(), 1u);
}

// Erasure, then a new message to the same number: a new subject for the same blind index.
TEST(SubjectCache, ANumberWrittenAgainAfterErasureFindsItsNewSubject) {
  SubjectCache cache(3);
  const auto old_key = crypto::SecretKey::generate();
  cache.put(CachedSubject{1, Blind{1}, 11, old_key});
  cache.put(CachedSubject{1, Blind{2}, 12, crypto::SecretKey::generate()});
  cache.erase(11);
  const auto new_key = crypto::SecretKey::generate();
  cache.put(CachedSubject{1, Blind{1}, 21, new_key});
  auto found = cache.find(1, Blind{1});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->subject_id, 21u);
  EXPECT_TRUE(
      std::equal(found->key.bytes().begin(), found->key.bytes().end(), new_key.bytes().begin()));
  EXPECT_FALSE(cache.find(11));
  // Filling up evicts the least recently used (12), never the new subject's entry.
  cache.put(CachedSubject{1, Blind{3}, 13, crypto::SecretKey::generate()});
  cache.put(CachedSubject{1, Blind{4}, 14, crypto::SecretKey::generate()});
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.find(12));
  EXPECT_FALSE(cache.find(1, Blind{2}));
  EXPECT_TRUE(cache.find(1, Blind{1}));
  EXPECT_TRUE(cache.contains(13));
  EXPECT_TRUE(cache.find(1, Blind{4}));
}

// A number erased in another process and written again here: the new subject takes the
// number's place even though this cache never saw the erasure.
TEST(SubjectCache, ANewSubjectForACachedNumberReplacesTheOldEntry) {
  SubjectCache cache(4);
  cache.put(CachedSubject{1, Blind{7}, 11, crypto::SecretKey::generate()});
  cache.put(CachedSubject{1, Blind{7}, 21, crypto::SecretKey::generate()});
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_FALSE(cache.contains(11));
  auto found = cache.find(1, Blind{7});
  ASSERT_TRUE(found);
  EXPECT_EQ(found->subject_id, 21u);
}

// The cache against a plain list-based LRU, over random operations on a small cache whose
// blind indexes mostly share their hash (long probe runs, deletions inside them, wrapping
// around the table's end).
TEST(SubjectCache, BehavesLikeAListLruUnderRandomOperations) {
  struct Person {
    std::uint64_t tenant;
    Blind blind;
    std::uint64_t id;
    crypto::SecretKey key;
  };
  std::vector<Person> people;
  for (std::uint64_t id = 1; id <= 60; ++id) {
    // id and id + 30 share a number: the later one is that number after an erasure.
    const std::uint64_t number = id % 30;
    Blind b{};
    b[8] = static_cast<std::uint8_t>(number);  // the hash reads bytes 0-7 only
    if (number % 4 == 0) b[0] = static_cast<std::uint8_t>(number);
    people.push_back(Person{1 + number % 2, b, id, crypto::SecretKey::generate()});
  }
  const auto entry = [](const Person& p) {
    return CachedSubject{p.tenant, p.blind, p.id, p.key};
  };

  std::list<CachedSubject> model;  // most recently used first
  const auto by_id = [&](std::uint64_t id) {
    return std::find_if(model.begin(), model.end(),
                        [&](const CachedSubject& s) { return s.subject_id == id; });
  };
  const auto by_blind = [&](std::uint64_t tenant, const Blind& b) {
    return std::find_if(model.begin(), model.end(), [&](const CachedSubject& s) {
      return s.tenant_id == tenant && s.blind == b;
    });
  };
  const auto same = [](const std::optional<CachedSubject>& got, const CachedSubject& want) {
    return got && got->subject_id == want.subject_id && got->tenant_id == want.tenant_id &&
           got->blind == want.blind &&
           std::equal(got->key.bytes().begin(), got->key.bytes().end(), want.key.bytes().begin());
  };

  // A find's answer against the model's; a hit becomes the most recently used.
  const auto found = [&](const std::optional<CachedSubject>& got,
                         std::list<CachedSubject>::iterator it) {
    if (it == model.end()) return !got;
    if (!same(got, *it)) return false;
    model.splice(model.begin(), model, it);
    return true;
  };

  constexpr std::size_t kCapacity = 7;
  SubjectCache cache(kCapacity);
  std::mt19937 rng(20261201);
  for (int step = 0; step < 50'000; ++step) {
    const Person& p = people[rng() % people.size()];
    switch (rng() % 5) {
      case 0:
      case 1: {  // put
        cache.put(entry(p));
        if (auto it = by_id(p.id); it != model.end()) {
          model.splice(model.begin(), model, it);
          break;
        }
        if (auto it = by_blind(p.tenant, p.blind); it != model.end()) model.erase(it);
        if (model.size() == kCapacity) model.pop_back();
        model.push_front(entry(p));
        break;
      }
      case 2:  // find by number
        ASSERT_TRUE(found(cache.find(p.tenant, p.blind), by_blind(p.tenant, p.blind)))
            << "step " << step;
        break;
      case 3:  // find by id, or only ask
        if (rng() % 2) {
          ASSERT_EQ(cache.contains(p.id), by_id(p.id) != model.end()) << "step " << step;
        } else {
          ASSERT_TRUE(found(cache.find(p.id), by_id(p.id))) << "step " << step;
        }
        break;
      default:  // erase
        cache.erase(p.id);
        if (auto it = by_id(p.id); it != model.end()) model.erase(it);
    }
    ASSERT_EQ(cache.size(), model.size()) << "step " << step;
  }
}

}  // namespace
}  // namespace diskret::store

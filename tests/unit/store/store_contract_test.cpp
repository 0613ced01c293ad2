// The store contract (store_contract.hpp): every test here runs on every backend.
#include <algorithm>

#include "crypto/secret_box.hpp"
#include "unit/store/store_contract.hpp"

namespace diskret::store::testing {
namespace {

// commit_unsynced() is visible at once and tells whether the key store was written;
// sync() then makes it durable.
TEST_P(StoreContract, UnsyncedCommitIsVisibleAndTellsWhetherKeysWereWritten) {
  auto tx = store->begin();
  ASSERT_TRUE(tx);
  TenantRecord t;
  t.public_id = "tn_sync";
  t.name = "sync";
  auto tenant = (*tx)->insert_tenant(t);
  ASSERT_TRUE(tenant);
  ASSERT_TRUE((*tx)->insert_tenant_key(keys->new_tenant_key(*tenant, clock.now_ms())));
  auto first = (*tx)->commit_unsynced();
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(first->keys);
  tx->reset();
  EXPECT_TRUE(*store->tenant(*tenant));
  EXPECT_TRUE(*store->tenant_key(*tenant));
  ASSERT_TRUE(store->sync(*first));

  tx = store->begin();
  ASSERT_TRUE(tx);
  ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, *tenant)));
  auto second = (*tx)->commit_unsynced();
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->keys);
  tx->reset();
  EXPECT_TRUE(*store->message(*tenant, 1 << 16));
  ASSERT_TRUE(store->sync(*second));
}

TEST_P(StoreContract, UncommittedTransactionLeavesNothing) {
  const auto tenant = create_tenant("tn_a");
  {
    auto tx = store->begin();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
    ASSERT_TRUE((*tx)->insert_tenant_key(keys->new_tenant_key(tenant + 100, clock.now_ms())));
  }
  EXPECT_FALSE(*store->message(tenant, 1 << 16));
  EXPECT_FALSE(*store->tenant_key(tenant + 100));
  EXPECT_EQ(*store->max_message_id(), 0u);
}

TEST_P(StoreContract, SavepointRollsBackOneRequestOnly) {
  const auto tenant = create_tenant("tn_a");
  auto tx = store->begin();
  ASSERT_TRUE(tx);
  ASSERT_TRUE((*tx)->savepoint());
  ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
  ASSERT_TRUE((*tx)->release_savepoint());
  ASSERT_TRUE((*tx)->savepoint());
  ASSERT_TRUE((*tx)->insert_message(sample_message(2 << 16, tenant)));
  auto dup = (*tx)->insert_message(sample_message(1 << 16, tenant));
  // PostgreSQL sends a request's inserts with its release (one round trip for a batch):
  // the conflict is that call's error.
  if (dup) dup = (*tx)->release_savepoint();
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, make_error_code(Errc::already_exists));
  ASSERT_TRUE((*tx)->rollback_to_savepoint());
  // The transaction goes on after the rolled back request.
  ASSERT_TRUE((*tx)->savepoint());
  ASSERT_TRUE((*tx)->insert_message(sample_message(3 << 16, tenant)));
  ASSERT_TRUE((*tx)->release_savepoint());
  ASSERT_TRUE((*tx)->commit());
  EXPECT_TRUE(*store->message(tenant, 1 << 16));
  EXPECT_FALSE(*store->message(tenant, 2 << 16));
  EXPECT_TRUE(*store->message(tenant, 3 << 16));
}

// A conflicting idempotency key fails only its statement: the rest of the group commit
// still commits. (A conflicting message id is a request's error: see above.)
TEST_P(StoreContract, ConflictOutsideASavepointKeepsTheTransaction) {
  const auto tenant = create_tenant("tn_a");
  auto tx = store->begin();
  ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
  IdempotencyRecord idem{tenant, "key-1", std::string("\x00\x01sealed", 8), 5};
  ASSERT_TRUE((*tx)->insert_idempotency(idem));
  auto again = (*tx)->insert_idempotency(idem);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, make_error_code(Errc::already_exists));
  auto found = (*tx)->find_idempotency(tenant, "key-1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->sealed, idem.sealed);
  ASSERT_TRUE((*tx)->insert_message(sample_message(2 << 16, tenant)));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  EXPECT_TRUE(*store->message(tenant, 2 << 16));
  auto stored = store->idempotency(tenant, "key-1");
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->sealed, idem.sealed);
  EXPECT_EQ((*stored)->created_at_ms, 5);
  EXPECT_FALSE(*store->idempotency(tenant, "key-2"));
}

TEST_P(StoreContract, MessageOfAnotherTenantIsNotFound) {
  const auto a = create_tenant("tn_a");
  const auto b = create_tenant("tn_b");
  auto tx = store->begin();
  ASSERT_TRUE((*tx)->insert_message(sample_message(7 << 16, a)));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  EXPECT_TRUE(*store->message(a, 7 << 16));
  EXPECT_FALSE(*store->message(b, 7 << 16));
  EXPECT_TRUE(store->messages({.tenant_id = b})->empty());
}

// Every field survives the round trip, binary payloads (NUL and high bytes) included.
TEST_P(StoreContract, MessageFieldsRoundTrip) {
  const auto tenant = create_tenant("tn_a");
  MessageRecord m = sample_message(9 << 16, tenant);
  m.subject_id = 42;
  m.category = 2;
  m.segments = 3;
  m.encoding = "ucs2";
  m.payload = std::string("\x00\xff\x7f\x80 payload \\x00", 17);
  m.send_at_ms = 1'000;
  m.expires_at_ms = 2'000;
  auto tx = store->begin();
  ASSERT_TRUE((*tx)->insert_message(m));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto got = *store->message(tenant, 9 << 16);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->subject_id, 42u);
  EXPECT_EQ(got->category, 2);
  EXPECT_EQ(got->segments, 3);
  EXPECT_EQ(got->encoding, "ucs2");
  EXPECT_EQ(got->sender, "Diskret");
  EXPECT_EQ(got->payload, m.payload);
  EXPECT_EQ(got->send_at_ms, 1'000);
  EXPECT_EQ(got->expires_at_ms, 2'000);
  EXPECT_FALSE(got->submitted_at_ms);
  EXPECT_FALSE(got->done_at_ms);
  EXPECT_EQ(got->carrier, "");
  EXPECT_EQ(got->error_code, "");
  EXPECT_EQ(got->status, state::kAccepted);
}

TEST_P(StoreContract, MessagesPageNewestFirstWithFilters) {
  const auto tenant = create_tenant("tn_a");
  auto tx = store->begin();
  for (std::uint64_t ms = 1; ms <= 5; ++ms) {
    ASSERT_TRUE((*tx)->insert_message(sample_message(ms << 16 | 1, tenant)));
  }
  ASSERT_TRUE((*tx)->finish(2 << 16 | 1, state::kFailed, "c", "d", 9));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto page = store->messages({.tenant_id = tenant, .limit = 2});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 5u << 16 | 1);
  EXPECT_EQ((*page)[1].id, 4u << 16 | 1);
  page = store->messages({.tenant_id = tenant, .before_id = 4u << 16 | 1});
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].id, 3u << 16 | 1);
  page = store->messages({.tenant_id = tenant, .since_ms = 2, .until_ms = 4});
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 3u << 16 | 1);
  EXPECT_EQ((*page)[1].id, 2u << 16 | 1);
  page = store->messages({.tenant_id = tenant, .status = state::kFailed});
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].error_code, "c");
  EXPECT_EQ((*page)[0].error_detail, "d");
  EXPECT_EQ((*page)[0].done_at_ms, 9);
}

TEST_P(StoreContract, PendingMessagesUseThePartialIndexOrder) {
  const auto tenant = create_tenant("tn_a");
  auto tx = store->begin();
  for (std::uint64_t i = 1; i <= 5; ++i) {
    auto m = sample_message(i << 16, tenant);
    if (i == 3) m.send_at_ms = 5'000;
    ASSERT_TRUE((*tx)->insert_message(m));
  }
  ASSERT_TRUE((*tx)->mark_submitted(2 << 16, "carrier-a", {"a1", "a2"}, 10));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto pending = store->pending_messages(0, 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].id, 1u << 16);
  EXPECT_EQ((*pending)[1].id, 4u << 16);
  EXPECT_EQ(store->pending_messages(4 << 16, 10)->size(), 1u);
  EXPECT_TRUE(store->due_messages(4'999, 10)->empty());
  EXPECT_EQ(store->due_messages(5'000, 10)->size(), 1u);
  EXPECT_EQ(**store->next_send_at(0), 5'000);
  EXPECT_FALSE(*store->next_send_at(5'000));
  EXPECT_EQ(*store->count_accepted(), 4u);
  EXPECT_EQ(*store->max_message_id(), 5u << 16);
}

TEST_P(StoreContract, PartsTrackDeliveryOncePerPart) {
  const auto tenant = create_tenant("tn_a");
  auto tx = store->begin();
  auto message = sample_message(1 << 16, tenant);
  message.request_id = "req-1";
  ASSERT_TRUE((*tx)->insert_message(message));
  ASSERT_TRUE(*(*tx)->mark_submitted(1 << 16, "carrier-a", {"ff01", "ff02"}, 10));
  EXPECT_FALSE(*(*tx)->mark_submitted(1 << 16, "carrier-a", {"ff03"}, 11));  // not accepted
  EXPECT_FALSE(*(*tx)->find_part("ff03", std::nullopt));
  auto part = (*tx)->find_part("ff02", std::string("carrier-b"));
  ASSERT_TRUE(part);
  EXPECT_FALSE(*part);
  part = (*tx)->find_part("ff02", std::nullopt);
  ASSERT_TRUE(part && *part);
  EXPECT_EQ((*part)->message_id, 1u << 16);
  EXPECT_EQ((*part)->part, 1);
  EXPECT_EQ((*part)->carrier, "carrier-a");
  // A final receipt marks its part in the statement that finds it; a repeat finds none.
  EXPECT_FALSE(*(*tx)->mark_part("ff03", std::nullopt, part_state::kDelivered));
  EXPECT_FALSE(*(*tx)->mark_part("ff02", std::string("carrier-b"), part_state::kDelivered));
  auto marked = (*tx)->mark_part("ff02", std::nullopt, part_state::kDelivered);
  ASSERT_TRUE(marked && *marked);
  EXPECT_EQ((*marked)->message_id, 1u << 16);
  EXPECT_EQ((*marked)->part, 1);
  EXPECT_EQ((*marked)->carrier, "carrier-a");
  EXPECT_EQ((*marked)->request_id, "req-1");
  EXPECT_FALSE(*(*tx)->mark_part("ff02", std::nullopt, part_state::kDelivered));  // repeated
  EXPECT_EQ((*(*tx)->find_part("ff02", std::nullopt))->state, part_state::kDelivered);
  auto delivered = (*tx)->deliver_part(1 << 16, 20);
  ASSERT_TRUE(delivered);
  EXPECT_FALSE(*delivered);  // one of two parts
  auto missing = (*tx)->deliver_part(99 << 16, 20);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, make_error_code(Errc::not_found));
  // The last part delivers the message in the same statement.
  ASSERT_TRUE(*(*tx)->mark_part("ff01", std::string("carrier-a"), part_state::kDelivered));
  delivered = (*tx)->deliver_part(1 << 16, 20);
  ASSERT_TRUE(delivered);
  EXPECT_TRUE(*delivered);
  EXPECT_FALSE(*(*tx)->finish(1 << 16, state::kFailed, "x", "y", 21));  // final already
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto m = *store->message(tenant, 1 << 16);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, state::kDelivered);
  EXPECT_EQ(m->carrier, "carrier-a");
  EXPECT_EQ(m->parts, 2);
  EXPECT_EQ(m->done_at_ms, 20);
  EXPECT_EQ(m->submitted_at_ms, 10);
}

// A carrier may reuse an id (after wrapping around): the newest submission owns it. Ids
// with quotes, commas and backslashes are stored as they are.
TEST_P(StoreContract, ReusedCarrierIdBelongsToTheNewestSubmission) {
  const auto tenant = create_tenant("tn_a");
  const std::string odd = "a\"b,c\\d{e}";
  auto tx = store->begin();
  ASSERT_TRUE((*tx)->insert_message(sample_message(1 << 16, tenant)));
  ASSERT_TRUE((*tx)->insert_message(sample_message(2 << 16, tenant)));
  ASSERT_TRUE(*(*tx)->mark_submitted(1 << 16, "carrier-a", {"x1", odd}, 10));
  ASSERT_TRUE(*(*tx)->mark_submitted(2 << 16, "carrier-a", {"x1"}, 11));
  ASSERT_TRUE(*(*tx)->mark_submitted(3 << 16, "carrier-a", {}, 12) == false);
  auto reused = (*tx)->find_part("x1", std::string("carrier-a"));
  ASSERT_TRUE(reused && *reused);
  EXPECT_EQ((*reused)->message_id, 2u << 16);
  EXPECT_EQ((*reused)->part, 0);
  auto quoted = (*tx)->find_part(odd, std::nullopt);
  ASSERT_TRUE(quoted && *quoted);
  EXPECT_EQ((*quoted)->message_id, 1u << 16);
  EXPECT_EQ((*quoted)->carrier_id, odd);
  ASSERT_TRUE((*tx)->commit());
}

TEST_P(StoreContract, RevokedKeyIsMarkedOnce) {
  const auto tenant = create_tenant("tn_a");
  const auto other = create_tenant("tn_b");
  auto tx = store->begin();
  ApiKeyRecord k;
  k.tenant_id = tenant;
  k.prefix = "dsk_live_abcde";
  k.hash = "00";
  k.name = "ci";
  k.role = "owner";
  auto id = (*tx)->insert_api_key(k);
  ASSERT_TRUE(id);
  auto dup = (*tx)->insert_api_key(k);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, make_error_code(Errc::already_exists));
  EXPECT_FALSE(*(*tx)->revoke_api_key(other, *id, 5));
  EXPECT_TRUE(*(*tx)->revoke_api_key(tenant, *id, 5));
  EXPECT_FALSE(*(*tx)->revoke_api_key(tenant, *id, 6));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto found = *store->api_key_by_prefix("dsk_live_abcde");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->revoked_at_ms, 5);
  EXPECT_EQ(found->tenant_public_id, "tn_a");
  auto listed = store->api_keys(tenant);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].prefix, "dsk_live_abcde");
  EXPECT_TRUE(store->api_keys(other)->empty());
}

TEST_P(StoreContract, TenantsAreUniqueByPublicIdAndKeepTheirSettings) {
  const auto tenant = create_tenant("tn_a");
  auto tx = store->begin();
  TenantRecord dup;
  dup.public_id = "tn_a";
  dup.name = "again";
  auto again = (*tx)->insert_tenant(dup);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, make_error_code(Errc::already_exists));
  TenantRecord t = **store->tenant(tenant);
  t.display_name = "Praxis Dr. Ö";
  t.default_region = "AT";
  t.allowed_countries = "AT,DE";
  t.max_segments = 4;
  t.sender_ids = "Praxis";
  t.quiet_hours = "20:00-08:00";
  EXPECT_TRUE(*(*tx)->update_tenant_settings(t));
  t.id = tenant + 1000;
  EXPECT_FALSE(*(*tx)->update_tenant_settings(t));
  ASSERT_TRUE((*tx)->commit());
  tx->reset();
  auto got = *store->tenant_by_public_id("tn_a");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, tenant);
  EXPECT_EQ(got->display_name, "Praxis Dr. Ö");
  EXPECT_EQ(got->default_region, "AT");
  EXPECT_EQ(got->allowed_countries, "AT,DE");
  EXPECT_EQ(got->max_segments, 4);
  EXPECT_EQ(got->sender_ids, "Praxis");
  EXPECT_EQ(got->quiet_hours, "20:00-08:00");
  EXPECT_FALSE(*store->tenant_by_public_id("tn_none"));
  EXPECT_FALSE(*store->tenant(tenant + 1000));
}

// The key store through the KeyRing: a person's key is created once, found again after a
// restart (a new Store and KeyRing), and opens the message sealed under it.
TEST_P(StoreContract, SubjectKeysSurviveARestart) {
  const auto tenant = create_tenant("tn_a");
  constexpr std::string_view kNumber = "+4915112345678";
  auto write = [&](std::uint64_t id, std::string_view number) {
    auto tx = store->begin();
    auto tenant_keys = keys->tenant(tenant);
    EXPECT_TRUE(tenant_keys);
    auto subject = keys->subject_for_write(**tx, tenant, **tenant_keys, number, clock.now_ms());
    EXPECT_TRUE(subject);
    MessageRecord m = sample_message(id, tenant);
    m.subject_id = subject->subject_id;
    m.payload = crypto::seal(subject->key, std::string(number),
                             crypto::record_ad(tenant, "messages", id, "payload"));
    EXPECT_TRUE((*tx)->insert_message(m));
    EXPECT_TRUE((*tx)->commit());
    keys->publish_new_subjects();
    return subject->subject_id;
  };
  const auto first = write(1 << 16, kNumber);
  EXPECT_EQ(*store->max_subject_id(), first);
  reopen();
  EXPECT_EQ(write(2 << 16, kNumber), first);
  EXPECT_NE(write(3 << 16, "+4915112345679"), first);
  auto m = *store->message(tenant, 2 << 16);
  ASSERT_TRUE(m);
  auto key = keys->subject_key(tenant, *m->subject_id);
  ASSERT_TRUE(key) << key.error().message();
  auto plain = crypto::open(*key, m->payload, crypto::record_ad(tenant, "messages", 2 << 16, "payload"));
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, kNumber);
  auto subject = *store->subject(first);
  ASSERT_TRUE(subject);
  EXPECT_EQ(subject->tenant_id, tenant);
  // Several at once: the stored ones among the ids asked for, an unknown id left out.
  const auto second = *store->max_subject_id();
  auto both = store->subjects({second, first, second + 1000});
  ASSERT_TRUE(both) << both.error().message();
  ASSERT_EQ(both->size(), 2u);
  std::vector<std::uint64_t> found{(*both)[0].subject_id, (*both)[1].subject_id};
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::uint64_t>{first, second}));
  EXPECT_EQ((*both)[0].wrapped.empty(), false);
  EXPECT_TRUE(store->subjects({})->empty());
  // for_each_subject lists both people once.
  auto tx = store->begin();
  int seen = 0;
  ASSERT_TRUE((*tx)->for_each_subject([&](std::uint64_t t, const Blind&) { seen += t == tenant; }));
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace diskret::store::testing

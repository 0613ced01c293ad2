// SqliteContactStore reads: each takes a pooled read connection of the SqliteStore.
#include <limits>

#include "store/sqlite/contact_rows.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"

namespace diskret::store::sqlite {
namespace {

using namespace contact_rows;

constexpr std::string_view kContacts =
    "SELECT " DISKRET_CONTACT_COLUMNS
    " FROM contacts WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?";
constexpr std::string_view kContactsInList =
    "SELECT c.id, c.tenant_id, c.blind, c.subject_id, c.sealed, c.consent_state, c.created_at, "
    "c.updated_at FROM list_members m JOIN contacts c ON c.id = m.contact_id "
    "WHERE m.list_id = ?2 AND c.tenant_id = ?1 AND m.contact_id > ?3 ORDER BY m.contact_id "
    "LIMIT ?4";
constexpr std::string_view kMemberships =
    "SELECT m.list_id FROM list_members m JOIN contact_lists l ON l.id = m.list_id "
    "WHERE l.tenant_id = ? AND m.contact_id = ? ORDER BY m.list_id";
constexpr std::string_view kConsents =
    "SELECT " DISKRET_CONSENT_COLUMNS
    " FROM consents WHERE tenant_id = ? AND contact_id = ? ORDER BY id";
constexpr std::string_view kLists =
    "SELECT l.id, l.tenant_id, l.name, l.created_at, "
    "(SELECT count(*) FROM list_members m WHERE m.list_id = l.id) "
    "FROM contact_lists l WHERE l.tenant_id = ? ORDER BY l.id";
constexpr std::string_view kList =
    "SELECT l.id, l.tenant_id, l.name, l.created_at, "
    "(SELECT count(*) FROM list_members m WHERE m.list_id = l.id) "
    "FROM contact_lists l WHERE l.tenant_id = ? AND l.id = ?";
constexpr std::string_view kSuppressions =
    "SELECT " DISKRET_SUPPRESSION_COLUMNS
    " FROM suppressions WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?";
constexpr std::string_view kRecipientState =
    "SELECT EXISTS (SELECT 1 FROM suppressions WHERE tenant_id = ?1 AND blind = ?2), "
    "(SELECT consent_state FROM contacts WHERE tenant_id = ?1 AND blind = ?2)";
constexpr std::string_view kUsers =
    "SELECT " DISKRET_USER_COLUMNS " FROM users WHERE tenant_id = ? ORDER BY id";
constexpr std::string_view kUserByEmail =
    "SELECT " DISKRET_USER_COLUMNS " FROM users WHERE tenant_id = ? AND email_blind = ?";

// Runs `sql` on a pooled read connection: bind(stmt) sets its parameters, read(stmt) reads.
template <class Bind, class Read>
auto query(SqlHost& store, std::string_view sql, Bind bind, Read read)
    -> decltype(read(std::declval<SqlStatement&>())) {
  auto lease = store.sql_reader();
  if (!lease) return unexpected(lease.error());
  auto stmt = (*lease)->use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return read(**stmt);
}

auto tenant_and(std::uint64_t tenant, std::uint64_t id) {
  return [=](SqlStatement& s) {
    s.bind(1, tenant);
    s.bind(2, id);
  };
}

auto tenant_blind(std::uint64_t tenant, const Blind& blind) {
  return [&blind, tenant](SqlStatement& s) {
    s.bind(1, tenant);
    bind_blind(s, 2, blind);
  };
}

template <class Row, class Read>
auto first_of(Read read) {
  return [read](SqlStatement& s) { return rows::first<Row>(s, read); };
}

template <class Row, class Read>
auto all_of(Read read) {
  return [read](SqlStatement& s) { return rows::all<Row>(s, read); };
}

Expected<std::vector<RecipientState>> recipient_states_in(SqlDb& db, std::uint64_t tenant,
                                                          std::span<const Blind> blinds) {
  std::vector<RecipientState> out;
  out.reserve(blinds.size());
  for (const Blind& blind : blinds) {
    auto stmt = db.use(kRecipientState);
    if (!stmt) return unexpected(stmt.error());
    (*stmt)->bind(1, tenant);
    bind_blind(**stmt, 2, blind);
    auto row = rows::first<RecipientState>(**stmt, [](const SqlStatement& s) {
      RecipientState r;
      r.suppressed = s.int64(0) != 0;
      if (!s.is_null(1)) r.consent_state = static_cast<std::uint8_t>(s.int64(1));
      return r;
    });
    if (!row) return unexpected(row.error());
    out.push_back(row->value_or(RecipientState{}));
  }
  return out;
}

}  // namespace

Expected<std::optional<ContactRecord>> SqliteContactStore::contact(std::uint64_t tenant,
                                                                   std::uint64_t id) {
  return query(store_, kContact, tenant_and(tenant, id),
               first_of<ContactRecord>(contact_rows::contact));
}

Expected<std::optional<ContactRecord>> SqliteContactStore::contact_by_blind(std::uint64_t tenant,
                                                                            const Blind& blind) {
  return query(store_, kContactByBlind, tenant_blind(tenant, blind),
               first_of<ContactRecord>(contact_rows::contact));
}

Expected<std::vector<ContactRecord>> SqliteContactStore::contacts(const ContactQuery& q) {
  const auto limit = static_cast<std::int64_t>(q.limit);
  if (q.list_id) {
    return query(
        store_, kContactsInList,
        [&](SqlStatement& s) {
          s.bind(1, q.tenant_id);
          s.bind(2, *q.list_id);
          s.bind(3, q.after_id);
          s.bind(4, limit);
        },
        all_of<ContactRecord>(contact_rows::contact));
  }
  return query(
      store_, kContacts,
      [&](SqlStatement& s) {
        s.bind(1, q.tenant_id);
        s.bind(2, q.after_id);
        s.bind(3, limit);
      },
      all_of<ContactRecord>(contact_rows::contact));
}

Expected<std::vector<std::uint64_t>> SqliteContactStore::memberships(std::uint64_t tenant,
                                                                     std::uint64_t contact_id) {
  return query(store_, kMemberships, tenant_and(tenant, contact_id),
               all_of<std::uint64_t>([](const SqlStatement& s) {
                 return static_cast<std::uint64_t>(s.int64(0));
               }));
}

Expected<std::vector<ConsentRow>> SqliteContactStore::consents(std::uint64_t tenant,
                                                               std::uint64_t contact_id) {
  return query(store_, kConsents, tenant_and(tenant, contact_id),
               all_of<ConsentRow>(contact_rows::consent));
}

Expected<std::optional<ConsentRow>> SqliteContactStore::latest_consent(std::uint64_t tenant,
                                                                       std::uint64_t contact_id) {
  return query(store_, kLatestConsent, tenant_and(tenant, contact_id),
               first_of<ConsentRow>(contact_rows::consent));
}

Expected<std::vector<ListRecord>> SqliteContactStore::lists(std::uint64_t tenant) {
  return query(
      store_, kLists, [&](SqlStatement& s) { s.bind(1, tenant); },
      all_of<ListRecord>(contact_rows::list));
}

Expected<std::optional<ListRecord>> SqliteContactStore::list(std::uint64_t tenant,
                                                             std::uint64_t id) {
  return query(store_, kList, tenant_and(tenant, id), first_of<ListRecord>(contact_rows::list));
}

Expected<std::optional<SuppressionRecord>> SqliteContactStore::suppression(std::uint64_t tenant,
                                                                           const Blind& blind) {
  return query(store_, kSuppression, tenant_blind(tenant, blind),
               first_of<SuppressionRecord>(contact_rows::suppression));
}

Expected<std::vector<SuppressionRecord>> SqliteContactStore::suppressions(std::uint64_t tenant,
                                                                          std::uint64_t before_id,
                                                                          std::size_t limit) {
  const std::int64_t below = before_id == 0 ? std::numeric_limits<std::int64_t>::max()
                                            : static_cast<std::int64_t>(before_id);
  return query(
      store_, kSuppressions,
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, below);
        s.bind(3, static_cast<std::int64_t>(limit));
      },
      all_of<SuppressionRecord>(contact_rows::suppression));
}

Expected<std::vector<RecipientState>> SqliteContactStore::recipient_states(
    std::uint64_t tenant, std::span<const Blind> blinds) {
  auto lease = store_.sql_reader();
  if (!lease) return unexpected(lease.error());
  // A batch reads from one snapshot: one read transaction, not one per recipient (each
  // takes the log's read lock; a request may name 10,000 people).
  if (blinds.size() > 1) {
    if (auto ok = (*lease)->exec("BEGIN"); !ok) return unexpected(ok.error());
  }
  auto out = recipient_states_in(**lease, tenant, blinds);
  if ((*lease)->in_transaction()) {
    auto ended = (*lease)->commit();
    if (!ended && out) return unexpected(ended.error());
  }
  return out;
}

Expected<std::vector<UserRecord>> SqliteContactStore::users(std::uint64_t tenant) {
  return query(
      store_, kUsers, [&](SqlStatement& s) { s.bind(1, tenant); },
      all_of<UserRecord>(contact_rows::user));
}

Expected<std::optional<UserRecord>> SqliteContactStore::user(std::uint64_t tenant,
                                                             std::uint64_t id) {
  return query(store_, kUser, tenant_and(tenant, id), first_of<UserRecord>(contact_rows::user));
}

Expected<std::optional<UserRecord>> SqliteContactStore::user_by_email(std::uint64_t tenant,
                                                                      const Blind& email_blind) {
  return query(store_, kUserByEmail, tenant_blind(tenant, email_blind),
               first_of<UserRecord>(contact_rows::user));
}

}  // namespace diskret::store::sqlite

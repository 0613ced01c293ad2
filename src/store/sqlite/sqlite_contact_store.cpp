// SqliteContactStore writes: on the connection of the Store's open transaction, so that
// subject keys (key store) and the rows sealed under them commit together.
#include "store/sqlite/sqlite_contact_store.hpp"

#include <algorithm>

#include "store/sqlite/contact_rows.hpp"
#include "store/sqlite/inbound_sql.hpp"
#include "store/sqlite/rows.hpp"

namespace diskret::store::sqlite {
namespace contact_rows {
namespace {

Blind to_blind(const std::string& bytes) {
  Blind b{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), b.size()), b.begin());
  return b;
}

std::optional<std::uint64_t> optional_id(const SqlStatement& s, int column) {
  auto v = s.optional_int64(column);
  if (!v) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

}  // namespace

ContactRecord contact(const SqlStatement& s) {
  ContactRecord r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.blind = to_blind(s.blob(2));
  r.subject_id = static_cast<std::uint64_t>(s.int64(3));
  r.sealed = s.blob(4);
  r.consent_state = static_cast<std::uint8_t>(s.int64(5));
  r.created_at_ms = s.int64(6);
  r.updated_at_ms = s.int64(7);
  return r;
}

ConsentRow consent(const SqlStatement& s) {
  ConsentRow r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.contact_id = static_cast<std::uint64_t>(s.int64(2));
  r.purpose = s.text(3);
  r.source = s.text(4);
  r.wording = s.text(5);
  r.obtained_at_ms = s.optional_int64(6);
  r.requested_at_ms = s.optional_int64(7);
  r.confirmed_at_ms = s.optional_int64(8);
  r.withdrawn_at_ms = s.optional_int64(9);
  r.recorded_at_ms = s.int64(10);
  r.recorded_by = s.text(11);
  return r;
}

SuppressionRecord suppression(const SqlStatement& s) {
  SuppressionRecord r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.blind = to_blind(s.blob(2));
  r.subject_id = optional_id(s, 3);
  r.sealed = s.is_null(4) ? std::string{} : s.blob(4);
  r.source = s.text(5);
  r.created_at_ms = s.int64(6);
  return r;
}

UserRecord user(const SqlStatement& s) {
  UserRecord r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.email_blind = to_blind(s.blob(2));
  r.email_sealed = s.blob(3);
  r.password_hash = s.text(4);
  r.role = s.text(5);
  r.created_at_ms = s.int64(6);
  r.disabled_at_ms = s.optional_int64(7);
  return r;
}

ListRecord list(const SqlStatement& s) {
  ListRecord r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  r.name = s.text(2);
  r.created_at_ms = s.int64(3);
  r.members = static_cast<std::uint64_t>(s.int64(4));
  return r;
}

}  // namespace contact_rows

namespace {

using namespace contact_rows;

constexpr std::string_view kInsertContact =
    "INSERT INTO contacts(tenant_id, blind, subject_id, sealed, consent_state, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kUpdateContact =
    "UPDATE contacts SET subject_id = ?, sealed = ?, consent_state = ?, updated_at = ? "
    "WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kDeleteMembershipsOfContact =
    "DELETE FROM list_members WHERE contact_id = ?";
constexpr std::string_view kDeleteConsents =
    "DELETE FROM consents WHERE tenant_id = ? AND contact_id = ?";
constexpr std::string_view kDeleteContact = "DELETE FROM contacts WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kInsertConsent =
    "INSERT INTO consents(tenant_id, contact_id, purpose, source, wording, obtained_at, "
    "doi_requested_at, doi_confirmed_at, withdrawn_at, recorded_at, recorded_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kInsertList =
    "INSERT INTO contact_lists(tenant_id, name, created_at) VALUES (?, ?, ?) RETURNING id";
constexpr std::string_view kFindList =
    "SELECT id, tenant_id, name, created_at, 0 FROM contact_lists WHERE tenant_id = ? AND name = ?";
constexpr std::string_view kListExists =
    "SELECT count(*) FROM contact_lists WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kDeleteMembersOfList = "DELETE FROM list_members WHERE list_id = ?";
constexpr std::string_view kDeleteList = "DELETE FROM contact_lists WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kAddMember =
    "INSERT INTO list_members(list_id, contact_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
constexpr std::string_view kInsertSuppression =
    "INSERT INTO suppressions(tenant_id, blind, subject_id, sealed, source, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
constexpr std::string_view kDeleteSuppression =
    "DELETE FROM suppressions WHERE tenant_id = ? AND blind = ?";
constexpr std::string_view kLogSuppression =
    "INSERT INTO suppression_log(tenant_id, blind, action, source, at) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view kInsertUser =
    "INSERT INTO users(tenant_id, email_blind, email_sealed, password_hash, role, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kUpdateUserRole =
    "UPDATE users SET role = ? WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kDeleteUser = "DELETE FROM users WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kCountOwners =
    "SELECT count(*) FROM users WHERE tenant_id = ? AND role = 'owner' AND disabled_at IS NULL";

auto tenant_and(std::uint64_t tenant, std::uint64_t id) {
  return [=](SqlStatement& s) {
    s.bind(1, tenant);
    s.bind(2, id);
  };
}

auto tenant_blind(std::uint64_t tenant, const Blind& blind) {
  return [=](SqlStatement& s) {
    s.bind(1, tenant);
    bind_blind(s, 2, blind);
  };
}

class Writes final : public ContactWrites {
 public:
  explicit Writes(SqlDb& db) : db_(db) {}

  // ContactWrites
  Expected<std::uint64_t> insert_contact(const ContactRecord& c) override {
    return insert(kInsertContact, [&](SqlStatement& s) {
      s.bind(1, c.tenant_id);
      bind_blind(s, 2, c.blind);
      s.bind(3, c.subject_id);
      s.bind_blob(4, c.sealed);
      s.bind(5, int{c.consent_state});
      s.bind(6, c.created_at_ms);
      s.bind(7, c.updated_at_ms);
    });
  }
  Expected<bool> update_contact(const ContactRecord& c) override {
    return change(kUpdateContact, [&](SqlStatement& s) {
      s.bind(1, c.subject_id);
      s.bind_blob(2, c.sealed);
      s.bind(3, int{c.consent_state});
      s.bind(4, c.updated_at_ms);
      s.bind(5, c.tenant_id);
      s.bind(6, c.id);
    });
  }
  Expected<bool> delete_contact(std::uint64_t tenant, std::uint64_t id) override {
    auto found = contact(tenant, id);
    if (!found) return unexpected(found.error());
    if (!*found) return false;
    if (auto ok = change(kDeleteMembershipsOfContact, [&](SqlStatement& s) { s.bind(1, id); });
        !ok) {
      return ok;
    }
    if (auto ok = change(kDeleteConsents, tenant_and(tenant, id)); !ok) return ok;
    return change(kDeleteContact, tenant_and(tenant, id));
  }
  Expected<std::optional<ContactRecord>> find_contact(std::uint64_t tenant,
                                                      const Blind& blind) override {
    return first<ContactRecord>(kContactByBlind, tenant_blind(tenant, blind),
                                contact_rows::contact);
  }
  Expected<std::optional<ContactRecord>> contact(std::uint64_t tenant, std::uint64_t id) override {
    return first<ContactRecord>(kContact, tenant_and(tenant, id), contact_rows::contact);
  }
  Expected<std::uint64_t> insert_consent(const ConsentRow& c) override {
    return insert(kInsertConsent, [&](SqlStatement& s) {
      s.bind(1, c.tenant_id);
      s.bind(2, c.contact_id);
      s.bind_text(3, c.purpose);
      s.bind_text(4, c.source);
      s.bind_text(5, c.wording);
      s.bind(6, c.obtained_at_ms);
      s.bind(7, c.requested_at_ms);
      s.bind(8, c.confirmed_at_ms);
      s.bind(9, c.withdrawn_at_ms);
      s.bind(10, c.recorded_at_ms);
      s.bind_text(11, c.recorded_by);
    });
  }
  Expected<std::optional<ConsentRow>> latest_consent(std::uint64_t tenant,
                                                     std::uint64_t contact_id) override {
    return first<ConsentRow>(kLatestConsent, tenant_and(tenant, contact_id), contact_rows::consent);
  }

  Expected<std::uint64_t> insert_list(const ListRecord& l) override {
    return insert(kInsertList, [&](SqlStatement& s) {
      s.bind(1, l.tenant_id);
      s.bind_text(2, l.name);
      s.bind(3, l.created_at_ms);
    });
  }
  Expected<std::optional<ListRecord>> find_list(std::uint64_t tenant,
                                                const std::string& name) override {
    return first<ListRecord>(
        kFindList,
        [&](SqlStatement& s) {
          s.bind(1, tenant);
          s.bind_text(2, name);
        },
        contact_rows::list);
  }
  Expected<bool> list_exists(std::uint64_t tenant, std::uint64_t id) override {
    auto n = first<std::int64_t>(kListExists, tenant_and(tenant, id),
                                 [](const SqlStatement& s) { return s.int64(0); });
    if (!n) return unexpected(n.error());
    return n->value_or(0) > 0;
  }
  Expected<bool> delete_list(std::uint64_t tenant, std::uint64_t id) override {
    auto exists = list_exists(tenant, id);
    if (!exists || !*exists) return exists;
    if (auto ok = change(kDeleteMembersOfList, [&](SqlStatement& s) { s.bind(1, id); }); !ok) {
      return ok;
    }
    return change(kDeleteList, tenant_and(tenant, id));
  }
  Expected<void> add_member(std::uint64_t list_id, std::uint64_t contact_id) override {
    return run(kAddMember, [&](SqlStatement& s) {
      s.bind(1, list_id);
      s.bind(2, contact_id);
    });
  }
  Expected<void> clear_memberships(std::uint64_t contact_id) override {
    return run(kDeleteMembershipsOfContact, [&](SqlStatement& s) { s.bind(1, contact_id); });
  }

  Expected<bool> insert_suppression(const SuppressionRecord& r) override {
    return change(kInsertSuppression, [&](SqlStatement& s) {
      s.bind(1, r.tenant_id);
      bind_blind(s, 2, r.blind);
      s.bind(3, r.subject_id);
      if (r.sealed.empty()) {
        s.bind_null(4);
      } else {
        s.bind_blob(4, r.sealed);
      }
      s.bind_text(5, r.source);
      s.bind(6, r.created_at_ms);
    });
  }
  Expected<std::optional<SuppressionRecord>> find_suppression(std::uint64_t tenant,
                                                              const Blind& blind) override {
    return first<SuppressionRecord>(kSuppression, tenant_blind(tenant, blind),
                                    contact_rows::suppression);
  }
  Expected<bool> delete_suppression(std::uint64_t tenant, const Blind& blind) override {
    return change(kDeleteSuppression, tenant_blind(tenant, blind));
  }
  Expected<void> log_suppression(std::uint64_t tenant, const Blind& blind,
                                 const std::string& action, const std::string& source,
                                 std::int64_t at_ms) override {
    return run(kLogSuppression, [&](SqlStatement& s) {
      s.bind(1, tenant);
      bind_blind(s, 2, blind);
      s.bind_text(3, action);
      s.bind_text(4, source);
      s.bind(5, at_ms);
    });
  }

  Expected<std::uint64_t> insert_user(const UserRecord& u) override {
    return insert(kInsertUser, [&](SqlStatement& s) {
      s.bind(1, u.tenant_id);
      bind_blind(s, 2, u.email_blind);
      s.bind_blob(3, u.email_sealed);
      s.bind_text(4, u.password_hash);
      s.bind_text(5, u.role);
      s.bind(6, u.created_at_ms);
    });
  }
  Expected<bool> update_user_role(std::uint64_t tenant, std::uint64_t id,
                                  const std::string& role) override {
    return change(kUpdateUserRole, [&](SqlStatement& s) {
      s.bind_text(1, role);
      s.bind(2, tenant);
      s.bind(3, id);
    });
  }
  Expected<bool> delete_user(std::uint64_t tenant, std::uint64_t id) override {
    return change(kDeleteUser, tenant_and(tenant, id));
  }
  Expected<std::optional<UserRecord>> user(std::uint64_t tenant, std::uint64_t id) override {
    return first<UserRecord>(kUser, tenant_and(tenant, id), contact_rows::user);
  }
  Expected<std::uint64_t> count_owners(std::uint64_t tenant) override {
    auto n = first<std::int64_t>(
        kCountOwners, [&](SqlStatement& s) { s.bind(1, tenant); },
        [](const SqlStatement& s) { return s.int64(0); });
    if (!n) return unexpected(n.error());
    return static_cast<std::uint64_t>(n->value_or(0));
  }

 private:
  template <class Bind>
  Expected<void> run(std::string_view sql, Bind bind) {
    auto stmt = db_.use(sql);
    if (!stmt) return unexpected(stmt.error());
    bind(**stmt);
    return (*stmt)->run();
  }
  template <class Bind>
  Expected<std::uint64_t> insert(std::string_view sql, Bind bind) {
    return insert_returning_id(db_, sql, bind);
  }
  template <class Bind>
  Expected<bool> change(std::string_view sql, Bind bind) {
    if (auto ok = run(sql, bind); !ok) return unexpected(ok.error());
    return db_.changes() > 0;
  }
  template <class Row, class Bind, class Read>
  Expected<std::optional<Row>> first(std::string_view sql, Bind bind, Read read) {
    auto stmt = db_.use(sql);
    if (!stmt) return unexpected(stmt.error());
    bind(**stmt);
    return rows::first<Row>(**stmt, read);
  }

  SqlDb& db_;
};

}  // namespace

std::unique_ptr<ContactWrites> SqliteContactStore::writes(WriteTransaction& tx) {
  return std::make_unique<Writes>(store_.sql_writer(tx));
}

}  // namespace diskret::store::sqlite

#include "store/sqlite/sqlite_audit_trail.hpp"

#include <algorithm>
#include <limits>

#include "store/sqlite/inbound_sql.hpp"

namespace diskret::store::sqlite {
namespace {

using namespace inbound_sql;

constexpr std::string_view kAppend =
    "INSERT INTO audit_events(tenant_id, at, actor, action, object, subject_blind, details) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kEvents =
    "SELECT id, tenant_id, at, actor, action, object, subject_blind, details FROM audit_events "
    "WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?";

AuditEventRecord event_row(const SqlStatement& s) {
  AuditEventRecord r;
  r.id = id(s, 0);
  r.tenant_id = id(s, 1);
  r.at_ms = s.int64(2);
  r.actor = s.text(3);
  r.action = s.text(4);
  r.object = s.text(5);
  if (!s.is_null(6)) {
    const std::string bytes = s.blob(6);
    Blind b{};
    std::copy_n(bytes.begin(), std::min(bytes.size(), b.size()), b.begin());
    r.subject_blind = b;
  }
  r.details = s.text(7);
  return r;
}

}  // namespace

Expected<std::uint64_t> SqliteAuditTrail::append(WriteTransaction& tx, const AuditEventRecord& e) {
  return insert_returning_id(store_.sql_writer(tx), kAppend, [&](SqlStatement& s) {
    s.bind(1, e.tenant_id);
    s.bind(2, e.at_ms);
    s.bind_text(3, e.actor);
    s.bind_text(4, e.action);
    s.bind_text(5, e.object);
    if (e.subject_blind) {
      s.bind_blob(6, e.subject_blind->data(), e.subject_blind->size());
    } else {
      s.bind_null(6);
    }
    s.bind_text(7, e.details);
  });
}

Expected<std::vector<AuditEventRecord>> SqliteAuditTrail::events(std::uint64_t tenant,
                                                                 std::uint64_t before_id,
                                                                 std::size_t limit) {
  return read_all<AuditEventRecord>(
      store_, kEvents,
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, before_id == 0 ? std::numeric_limits<std::int64_t>::max()
                                 : static_cast<std::int64_t>(before_id));
        s.bind(3, static_cast<std::int64_t>(limit));
      },
      event_row);
}

}  // namespace diskret::store::sqlite

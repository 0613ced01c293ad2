#pragma once
/// SqliteAuditTrail: the AuditTrail in the SqliteStore's main database (table of migration
/// 0022_audit_events), appended on the open transaction's connection.
#include "store/audit_trail.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqliteAuditTrail final : public AuditTrail {
 public:
  explicit SqliteAuditTrail(SqlHost& store) : store_(store) {}

  // AuditTrail
  Expected<std::uint64_t> append(WriteTransaction& tx, const AuditEventRecord& event) override;
  Expected<std::vector<AuditEventRecord>> events(std::uint64_t tenant, std::uint64_t before_id,
                                                 std::size_t limit) override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite

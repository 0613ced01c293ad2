#pragma once
/// SqliteSecurityStore: the SecurityStore in the SqliteStore's main database.
#include "store/security_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqliteSecurityStore final : public SecurityStore {
 public:
  explicit SqliteSecurityStore(SqlHost& store) : store_(store) {}

  // SecurityStore
  Expected<std::uint64_t> insert_grant(WriteTransaction& tx, const AccessGrantRecord& g) override;
  Expected<bool> revoke_grant(WriteTransaction& tx, std::uint64_t tenant, std::uint64_t id,
                              std::int64_t at_ms) override;
  Expected<std::vector<AccessGrantRecord>> grants(std::uint64_t tenant) override;
  Expected<std::optional<AccessGrantRecord>> grant(std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::uint64_t> insert_alert(WriteTransaction& tx, const AlertRecord& a) override;
  Expected<std::vector<AlertRecord>> alerts(std::uint64_t tenant, std::uint64_t before_id,
                                            std::size_t limit) override;
  Expected<std::vector<std::pair<std::string, std::uint64_t>>> alert_counts() override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite

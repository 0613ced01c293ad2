#pragma once
/// SqliteAuditChain: the AuditChainStore in the SqliteStore's main database (audit_events
/// with the chain columns of migration 0031, audit_checkpoints). Writes run on the open
/// transaction's connection, reads on the store's reader pool.
#include "store/audit_chain_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqliteAuditChain final : public AuditChainStore {
 public:
  explicit SqliteAuditChain(SqlHost& store) : store_(store) {}

  // AuditChainStore
  Expected<std::optional<AuditChainRow>> head(WriteTransaction& tx, std::uint64_t tenant) override;
  Expected<std::uint64_t> insert(WriteTransaction& tx, const AuditChainRow& row) override;
  Expected<std::optional<AuditCheckpointRow>> last_checkpoint(WriteTransaction& tx,
                                                              std::uint64_t tenant) override;
  Expected<void> insert_checkpoint(WriteTransaction& tx, const AuditCheckpointRow& c) override;
  Expected<std::vector<AuditChainRow>> unchained(WriteTransaction& tx, std::size_t limit) override;
  Expected<void> adopt(WriteTransaction& tx, const AuditChainRow& row) override;
  Expected<void> remove_tenant(WriteTransaction& tx, std::uint64_t tenant) override;
  Expected<std::vector<AuditChainRow>> scan(std::uint64_t after_tenant, std::uint64_t after_seq,
                                            std::size_t limit) override;
  Expected<std::vector<AuditChainRow>> page(const AuditPageQuery& query) override;
  Expected<std::vector<AuditCheckpointRow>> checkpoints() override;
  Expected<std::vector<AuditCheckpointRow>> latest_checkpoints() override;
  Expected<std::vector<AuditChainRow>> heads() override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite

#pragma once
/// SqliteInboundStore: the InboundStore in the SqliteStore's main database (tables of
/// migration 0020_inbound). Writes run on the open transaction's connection, reads on the
/// store's reader pool.
#include "store/inbound_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqliteInboundStore final : public InboundStore {
 public:
  explicit SqliteInboundStore(SqlHost& store) : store_(store) {}

  // InboundStore
  std::unique_ptr<InboundWrites> writes(WriteTransaction& tx) override;
  Expected<std::optional<InboundNumberRecord>> number(const std::string& number) override;
  Expected<std::vector<InboundNumberRecord>> numbers(std::uint64_t tenant) override;
  Expected<std::optional<InboundMessageRecord>> inbound(std::uint64_t tenant,
                                                        std::uint64_t id) override;
  Expected<std::vector<InboundMessageRecord>> inbound_page(const InboundQuery& query) override;
  Expected<std::uint64_t> max_inbound_id() override;
  Expected<std::vector<InboundMessageRecord>> unhandled_inbound(std::size_t limit) override;
  Expected<std::vector<KeywordReplyRecord>> keyword_replies(std::uint64_t tenant,
                                                            std::uint64_t subject_id,
                                                            std::int64_t since_ms) override;
  Expected<std::vector<KeywordReplyRecord>> unaccepted_replies(std::size_t limit) override;
  Expected<std::optional<std::string>> settings(std::uint64_t tenant) override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite

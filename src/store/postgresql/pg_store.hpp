#pragma once
/// PgStore: the Store on PostgreSQL (libpq), for several `diskret serve` nodes on one
/// database. Two databases, like SQLite's two files: the main one and a key database of its
/// own (by default the main database's name + "_keys"), so that a dump of the data never
/// holds the keys that open it. One write connection per database guarded by a mutex (the
/// open WriteTransaction holds it), pools of read connections. PostgreSQL syncs at COMMIT,
/// so commit_unsynced() commits durably and sync() has nothing left to do. Connections
/// that the server or network dropped are replaced at the next use. pending_messages(),
/// due_messages() and next_send_at() see this node's messages only (those it accepted or
/// claimed): the others' reach it through MessageClaims::claim().
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/message_claims.hpp"
#include "store/postgresql/pg_connection.hpp"
#include "store/store.hpp"

namespace diskret::store::postgresql {

struct PgOptions {
  std::string url;       ///< main database, postgresql://user@host:port/db
  std::string keys_url;  ///< key database; from_url(): the same server, database <db>_keys
  /// This node's id in claims; empty: made from the host name, the pid and a random part.
  std::string node_id;
  /// How long a node's claims outlive its last heartbeat.
  std::chrono::milliseconds lease{30'000};
  std::size_t max_idle_readers = 4;

  /// From `[store] url` ("postgresql://..." or "postgres://...").
  static Expected<PgOptions> from_url(std::string_view url);
};

class PgStore final : public Store, public MessageClaims, public SqlHost {
  struct OpenToken {};  // only open() constructs

 public:
  /// Connects to both databases and starts this node's lease; call migrate() next (the
  /// lease is written once the schema exists).
  static Expected<std::unique_ptr<PgStore>> open(const PgOptions& options, const Clock& clock);
  PgStore(OpenToken, PgOptions options, const Clock& clock, PgConnection main, PgConnection keys);
  ~PgStore() override;

  // Store
  Expected<void> migrate() override;
  Expected<std::unique_ptr<WriteTransaction>> begin() override;
  Expected<void> sync(const Unsynced& commit) override;
  Expected<std::optional<TenantKeyRecord>> tenant_key(std::uint64_t tenant) override;
  Expected<std::optional<SubjectRecord>> subject(std::uint64_t subject_id) override;
  Expected<std::vector<SubjectRecord>> subjects(const std::vector<std::uint64_t>& ids) override;
  Expected<std::uint64_t> max_subject_id() override;
  Expected<std::optional<std::uint64_t>> next_subject_id() override;
  Expected<std::optional<TenantRecord>> tenant(std::uint64_t id) override;
  Expected<std::optional<TenantRecord>> tenant_by_public_id(std::string_view public_id) override;
  Expected<std::vector<ApiKeyRecord>> api_keys(std::uint64_t tenant) override;
  Expected<std::optional<ApiKeyRecord>> api_key_by_prefix(std::string_view prefix) override;
  Expected<std::optional<MessageRecord>> message(std::uint64_t tenant, std::uint64_t id) override;
  Expected<std::vector<MessageRecord>> messages(const MessageQuery& query) override;
  Expected<std::optional<IdempotencyRecord>> idempotency(std::uint64_t tenant,
                                                         const std::string& key) override;
  Expected<std::vector<MessageRecord>> pending_messages(std::uint64_t after_id,
                                                        std::size_t limit) override;
  Expected<std::vector<MessageRecord>> due_messages(std::int64_t now_ms,
                                                    std::size_t limit) override;
  Expected<std::optional<std::int64_t>> next_send_at(std::int64_t after_ms) override;
  Expected<std::uint64_t> count_accepted() override;
  Expected<std::uint64_t> max_message_id() override;
  MessageClaims* claims() override { return this; }

  // MessageClaims
  const std::string& node_id() const override { return options_.node_id; }
  std::chrono::milliseconds lease() const override { return options_.lease; }
  std::optional<unsigned> slot() const override;
  std::size_t live_nodes() const override { return live_nodes_.load(); }
  Expected<bool> heartbeat(std::int64_t now_ms) override;
  Expected<std::vector<MessageRecord>> claim(std::int64_t now_ms, std::size_t limit) override;
  Expected<std::vector<MessageRecord>> take_over(std::int64_t now_ms, std::size_t limit) override;
  Expected<std::uint64_t> release() override;

  /// Number of write transactions committed since open (for tests and metrics).
  std::uint64_t commits() const { return commits_.load(); }

  // SqlHost: the stores beside this one (contacts, billing, ...) on the main database.
  SqlDialect dialect() const override { return SqlDialect::postgresql; }
  Expected<SqlReadLease> sql_reader() override;
  SqlDb& sql_writer(WriteTransaction& tx) override;
  Expected<std::unique_ptr<SqlDb>> sql_connect() override;
  /// A connection of its own to the key database (the key vault's).
  Expected<std::unique_ptr<SqlDb>> sql_connect_keys();

 private:
  class Transaction;
  /// Idle connections to one database; a connection goes back only while it is healthy.
  class Pool {
   public:
    Pool(std::string url, std::size_t max_idle) : url_(std::move(url)), max_idle_(max_idle) {}
    Expected<std::unique_ptr<PgConnection>> take();
    void give_back(std::unique_ptr<PgConnection> c);
    /// Drops every idle connection (after one turned out dead: the others likely are too).
    void clear();

   private:
    std::string url_;
    std::size_t max_idle_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<PgConnection>> idle_;
  };
  /// Runs `sql` on a pooled connection to the main (or key) database.
  Expected<PgResult> read(std::string_view sql, const PgParams& params, bool keys = false);
  /// The write connection `c` (main_ or keys_), reconnected when it was lost.
  Expected<void> reconnect_if_lost(std::unique_ptr<PgConnection>& c, const std::string& url);

  PgOptions options_;
  const Clock& clock_;
  std::mutex write_mutex_;  // held by the open Transaction
  std::unique_ptr<PgConnection> main_;
  std::unique_ptr<PgConnection> keys_;
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<int> slot_{-1};  // -1: none
  std::atomic<std::size_t> live_nodes_{1};
  /// Claims (claim(), take_over()): `others_only` leaves out this node's own messages.
  Expected<std::vector<MessageRecord>> claim_messages(std::int64_t now_ms, std::size_t limit,
                                                      bool others_only);
  /// Takes the lowest free slot (after freeing those of nodes whose lease expired).
  Expected<void> take_slot(std::int64_t now_ms);
  Pool main_readers_;
  Pool keys_readers_;
  std::mutex subject_ids_mutex_;
  std::vector<std::uint64_t> subject_ids_;  // reserved, the next one last
};

}  // namespace diskret::store::postgresql

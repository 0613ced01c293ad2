#pragma once
// PgStore on the binary's shared PostgreSQL: a fresh pair of databases (main and keys) per
// test, so tests never see each other's rows.
#include <stdexcept>

#include "store/postgresql/pg_store.hpp"
#include "support/postgres_server.hpp"
#include "unit/store/store_contract.hpp"

namespace diskret::store::testing {

/// Two new databases <name> and <name>_keys on the shared server; throws when the server
/// exists but does not work.
inline std::string fresh_pg_databases() {
  auto& pg = test::shared_postgres();
  if (!pg.running()) throw std::runtime_error("PostgreSQL did not start: " + pg.error());
  const std::string db = pg.create_database("d");
  if (db.empty() || pg.execute("CREATE DATABASE " + db + "_keys TEMPLATE template0")) {
    throw std::runtime_error("cannot create databases: " + pg.error());
  }
  return db;
}

/// Options for node `node_id` on databases made by fresh_pg_databases().
inline postgresql::PgOptions pg_options(const std::string& db, const std::string& node_id = {}) {
  auto o = postgresql::PgOptions::from_url(test::shared_postgres().url(db));
  if (!o) throw std::runtime_error(o.error().message());
  o->node_id = node_id;
  return *o;
}

inline std::unique_ptr<postgresql::PgStore> open_pg_store(const postgresql::PgOptions& o,
                                                          const Clock& clock) {
  auto s = postgresql::PgStore::open(o, clock);
  if (!s) throw std::runtime_error(s.error().message());
  if (auto ok = (*s)->migrate(); !ok) throw std::runtime_error(ok.error().message());
  return std::move(*s);
}

class PgBackend final : public StoreBackend {
 public:
  PgBackend() : db_(fresh_pg_databases()) {}
  std::unique_ptr<Store> open(const Clock& clock) override {
    return open_pg_store(pg_options(db_), clock);
  }

 private:
  std::string db_;
};

/// nullptr (the contract tests skip) only when PostgreSQL is not installed.
inline std::unique_ptr<StoreBackend> make_pg_backend() {
  if (!test::PostgresServer::available()) return nullptr;
  return std::make_unique<PgBackend>();
}

}  // namespace diskret::store::testing

#pragma once
// PgStore on the binary's shared PostgreSQL: one pair of databases (d, d_keys) per server,
// a fresh schema in both per test (a search_path in the URL), so tests never see each
// other's rows and no test waits for a CREATE DATABASE (about a second each here).
#include <stdexcept>

#include "store/postgresql/pg_store.hpp"
#include "support/postgres_server.hpp"
#include "unit/store/store_contract.hpp"

namespace diskret::store::testing {

/// Where one test's data lives: schema `schema` of databases `db` and `db`_keys.
struct PgTestDb {
  std::string db;
  std::string schema;

  /// The store URL: main database, search_path = the test's schema.
  std::string url() const {
    return test::shared_postgres().url(db) + "?options=-csearch_path%3D" + schema;
  }
  /// Runs `sql` in the schema (of the key database with `keys`); the first value as text,
  /// "error" when it failed.
  std::string scalar(const std::string& sql, bool keys = false) const {
    auto& pg = test::shared_postgres();
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
        PQconnectdb(pg.url(keys ? db + "_keys" : db).c_str()), PQfinish);
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexec(conn.get(), ("SET search_path TO " + schema + "; " + sql).c_str()), PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) == 0) return "error";
    return PQgetvalue(r.get(), 0, 0);
  }
};

/// A new schema in both databases of the shared server; throws when the server exists
/// but does not work.
inline PgTestDb fresh_pg_schema() {
  auto& pg = test::shared_postgres();
  if (!pg.running()) throw std::runtime_error("PostgreSQL did not start: " + pg.error());
  static int schemas = 0;
  if (schemas == 0) {
    for (const char* db : {"d", "d_keys"}) {
      if (auto failed = pg.execute(std::string("CREATE DATABASE ") + db + " TEMPLATE template0")) {
        throw std::runtime_error("cannot create database: " + *failed);
      }
    }
  }
  PgTestDb t{"d", "s" + std::to_string(++schemas)};
  for (const char* db : {"d", "d_keys"}) {
    if (auto failed = pg.execute("CREATE SCHEMA " + t.schema, db)) {
      throw std::runtime_error("cannot create schema: " + *failed);
    }
  }
  return t;
}

/// Options for node `node_id` (empty: a generated id) on `t`.
inline postgresql::PgOptions pg_options(const PgTestDb& t, const std::string& node_id = {}) {
  auto o = postgresql::PgOptions::from_url(t.url());
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
  PgBackend() : db_(fresh_pg_schema()) {}
  std::unique_ptr<Store> open(const Clock& clock) override {
    return open_pg_store(pg_options(db_), clock);
  }

 private:
  PgTestDb db_;
};

/// nullptr (the contract tests skip) only when PostgreSQL is not installed.
inline std::unique_ptr<StoreBackend> make_pg_backend() {
  if (!test::PostgresServer::available()) return nullptr;
  return std::make_unique<PgBackend>();
}

}  // namespace diskret::store::testing

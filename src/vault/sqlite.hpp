#pragma once
/// A small RAII wrapper for the vault's own SQLite database: connection, prepared
/// statements and IMMEDIATE transactions. Self-contained so the vault shares no storage
/// code with the platform. Errors map to vault::Errc::storage with SQLite's message.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace diskret::vault {

class Statement {
 public:
  Statement() = default;
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // Parameters are 1-based, as in SQLite. Values are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind_text(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);

  /// True while a row is available.
  Expected<bool> step();
  /// Steps to the end, for statements without rows.
  Expected<void> run();
  /// Ready to bind and run again.
  void reset();

  // Columns are 0-based.
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::string blob(int column) const;
  bool is_null(int column) const;

 private:
  friend class Database;
  struct Finalize {
    void operator()(sqlite3_stmt* s) const noexcept;
  };
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

class Database {
 public:
  /// Opens (creating with mode 0600) the database file: WAL, synchronous=FULL,
  /// secure_delete (freed pages are zeroed, so deleted ciphertext does not linger).
  static Expected<Database> open(const std::filesystem::path& path);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  /// Runs one or more statements without parameters.
  Expected<void> exec(std::string_view sql);
  Expected<Statement> prepare(std::string_view sql);
  /// Rows changed by the last statement.
  std::int64_t changes() const;
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Close {
    void operator()(sqlite3* db) const noexcept;
  };
  explicit Database(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, Close> db_;
};

/// BEGIN IMMEDIATE on construction; rolled back on destruction unless commit() succeeded.
class Transaction {
 public:
  static Expected<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Expected<void> commit();

 private:
  explicit Transaction(Database& db) : db_(&db) {}
  Database* db_;
};

}  // namespace diskret::vault

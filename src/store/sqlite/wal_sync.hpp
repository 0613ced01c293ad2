#pragma once
/// WalSync: makes durable what a connection with synchronous=NORMAL committed, by
/// fdatasync of the database's write-ahead log ("<db>-wal"), the file every WAL-mode commit
/// is written to. With NORMAL, SQLite itself syncs the log only before a checkpoint (and
/// the database after it), so a commit survives a crash of the process at once and a power
/// loss once sync() returned. Syncing outside SQLite lets the two files of SqliteStore be
/// synced at the same time and lets a writer commit its next batch while the disk works.
#include <sys/types.h>

#include <filesystem>
#include <mutex>

#include "core/expected.hpp"

namespace diskret::store::sqlite {

class WalSync {
 public:
  explicit WalSync(const std::filesystem::path& database);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  /// Everything committed to the database before the call is on disk when it returns.
  /// Thread-safe. The log file is kept open (never the database file: closing a descriptor
  /// of it would drop SQLite's POSIX locks) and opened again if SQLite replaced it.
  Expected<void> sync();

 private:
  const std::filesystem::path wal_;
  std::mutex mutex_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace diskret::store::sqlite

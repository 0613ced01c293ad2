#include "backup/errc.hpp"

#include <string>

namespace diskret::backup {
namespace {

class BackupCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "backup"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "success";
      case Errc::not_a_backup: return "not a diskret backup file";
      case Errc::unsupported_version: return "backup format version not supported";
      case Errc::damaged: return "backup file was modified or is damaged";
      case Errc::truncated: return "backup file is truncated";
      case Errc::unknown_key: return "the key store has no key for this backup";
      case Errc::invalid_header: return "backup header is invalid";
      case Errc::io_error: return "backup file input/output failed";
      case Errc::snapshot_failed: return "database snapshot failed";
      case Errc::in_use: return "the database is in use by another process";
      case Errc::incompatible: return "the backup does not fit this diskret";
    }
    return "unknown backup error";
  }
};

}  // namespace

const std::error_category& backup_category() noexcept {
  static const BackupCategory category;
  return category;
}

}  // namespace diskret::backup

#include "vault/audit_log.hpp"

#include <fmt/format.h>

#include "crypto/digest.hpp"
#include "vault/errc.hpp"

namespace diskret::vault {
namespace {

void field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out.append(value);
  out += ';';
}

}  // namespace

std::string audit_entry_hash(const AuditEntry& e) {
  std::string s;
  s.reserve(128 + e.event.size() + e.actor.size() + e.subject.size() + e.detail.size());
  field(s, e.prev_hash);
  field(s, std::to_string(e.seq));
  field(s, std::to_string(e.at_ms));
  field(s, e.event);
  field(s, e.actor);
  field(s, e.subject);
  field(s, e.detail);
  return crypto::sha256_hex(s);
}

Expected<void> AuditLog::append(std::string_view event, std::string_view actor,
                                std::string_view subject, std::string_view detail) {
  auto last = db_.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!last) return unexpected(last.error());
  auto row = last->step();
  if (!row) return unexpected(row.error());
  AuditEntry e;
  e.seq = *row ? last->int64(0) + 1 : 1;
  e.prev_hash = *row ? last->text(1) : std::string(kAuditGenesisHash);
  e.at_ms = clock_.now_ms();
  e.event = event;
  e.actor = actor;
  e.subject = subject;
  e.detail = detail;
  e.hash = audit_entry_hash(e);
  auto insert = db_.prepare(
      "INSERT INTO audit (seq, at, event, actor, subject, detail, prev_hash, hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return unexpected(insert.error());
  insert->bind(1, e.seq).bind(2, e.at_ms).bind_text(3, e.event).bind_text(4, e.actor);
  insert->bind_text(5, e.subject).bind_text(6, e.detail).bind_text(7, e.prev_hash);
  insert->bind_text(8, e.hash);
  return insert->run();
}

Expected<std::vector<AuditEntry>> AuditLog::entries(std::int64_t after, std::size_t limit) const {
  auto stmt = db_.prepare(
      "SELECT seq, at, event, actor, subject, detail, prev_hash, hash FROM audit "
      "WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<AuditEntry> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    out.push_back({stmt->int64(0), stmt->int64(1), stmt->text(2), stmt->text(3), stmt->text(4),
                   stmt->text(5), stmt->text(6), stmt->text(7)});
  }
  return out;
}

Expected<std::size_t> AuditLog::verify() const {
  std::string prev(kAuditGenesisHash);
  std::int64_t expected_seq = 1;
  std::size_t count = 0;
  for (std::int64_t after = 0;;) {
    auto batch = entries(after, 1000);
    if (!batch) return unexpected(batch.error());
    if (batch->empty()) break;
    for (const auto& e : *batch) {
      // A gap means a removed row; a wrong prev_hash a removed or reordered one; a wrong
      // hash an edited one.
      if (e.seq != expected_seq) {
        return fail(Errc::corrupt_audit, fmt::format("audit entry {} is missing", expected_seq));
      }
      if (e.prev_hash != prev) {
        return fail(Errc::corrupt_audit,
                    fmt::format("audit entry {} does not follow entry {}", e.seq, e.seq - 1));
      }
      if (audit_entry_hash(e) != e.hash) {
        return fail(Errc::corrupt_audit, fmt::format("audit entry {} was altered", e.seq));
      }
      prev = e.hash;
      ++expected_seq;
      ++count;
      after = e.seq;
    }
  }
  return count;
}

}  // namespace diskret::vault

#pragma once
/// Internal to SqliteStore: column lists and row readers shared by reads and writes.
#include <optional>
#include <vector>

#include "store/records.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite::rows {

#define DISKRET_MESSAGE_COLUMNS                                                          \
  "id, tenant_id, subject_id, status, category, segments, encoding, sender, payload, "   \
  "send_at, expires_at, submitted_at, done_at, carrier, parts, parts_delivered, "        \
  "error_code, error_detail, request_id"
#define DISKRET_TENANT_COLUMNS \
  "id, public_id, name, display_name, default_region, allowed_countries, max_segments, created_at, " \
  "sender_ids, quiet_hours"
#define DISKRET_API_KEY_COLUMNS \
  "k.id, k.tenant_id, k.prefix, k.hash, k.name, k.role, k.created_at, k.revoked_at, t.public_id"
#define DISKRET_SUBJECT_COLUMNS "s.tenant_id, s.blind, s.subject_id, s.wrapped, s.created_at"
#define DISKRET_PART_COLUMNS "c.carrier_id, c.carrier, c.message_id, c.part, c.state"

MessageRecord message(const SqliteStatement& s);
/// Binds every column of DISKRET_MESSAGE_COLUMNS as parameters 1..19.
void bind_message(SqliteStatement& s, const MessageRecord& m);
TenantRecord tenant(const SqliteStatement& s);
ApiKeyRecord api_key(const SqliteStatement& s);
SubjectRecord subject(const SqliteStatement& s);
/// DISKRET_PART_COLUMNS followed by the message's request_id.
PartRecord part(const SqliteStatement& s);

/// Reads every row of a query with `read`.
template <class Row, class Stmt, class Read>
Expected<std::vector<Row>> all(Stmt& s, Read read) {
  std::vector<Row> out;
  for (;;) {
    auto row = s.step();
    if (!row) return unexpected(row.error());
    if (!*row) return out;
    out.push_back(read(s));
  }
}

/// Reads the first row of a query with `read`, if there is one.
template <class Row, class Stmt, class Read>
Expected<std::optional<Row>> first(Stmt& s, Read read) {
  auto row = s.step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<Row>{};
  return std::optional<Row>{read(s)};
}

}  // namespace diskret::store::sqlite::rows

#pragma once
/// Internal to PgStore: column lists and row readers shared by reads and writes.
#include <optional>
#include <vector>

#include "store/postgresql/pg_connection.hpp"
#include "store/records.hpp"

namespace diskret::store::postgresql::rows {

#define DISKRET_PG_MESSAGE_COLUMNS                                                        \
  "id, tenant_id, subject_id, status, category, segments, encoding, sender, payload, "   \
  "send_at, expires_at, submitted_at, done_at, carrier, parts, parts_delivered, "        \
  "error_code, error_detail, request_id"
#define DISKRET_PG_TENANT_COLUMNS                                                          \
  "id, public_id, name, display_name, default_region, allowed_countries, max_segments, " \
  "created_at, sender_ids, quiet_hours"
#define DISKRET_PG_API_KEY_COLUMNS \
  "k.id, k.tenant_id, k.prefix, k.hash, k.name, k.role, k.created_at, k.revoked_at, t.public_id"
#define DISKRET_PG_SUBJECT_COLUMNS "s.tenant_id, s.blind, s.subject_id, s.wrapped, s.created_at"
/// With the message's request id (for the receipt's log line): FROM carrier_ids c LEFT JOIN messages m.
#define DISKRET_PG_PART_COLUMNS "c.carrier_id, c.carrier, c.message_id, c.part, c.state, m.request_id"

MessageRecord message(const PgResult& r, int row);
/// Adds every column of DISKRET_PG_MESSAGE_COLUMNS as the next 19 parameters.
void add_message(PgParams& p, const MessageRecord& m);
TenantRecord tenant(const PgResult& r, int row);
ApiKeyRecord api_key(const PgResult& r, int row);
SubjectRecord subject(const PgResult& r, int row);
PartRecord part(const PgResult& r, int row);
TenantKeyRecord tenant_key(const PgResult& r, int row);

template <class Row, class Read>
std::vector<Row> all(const PgResult& r, Read read) {
  std::vector<Row> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read(r, i));
  return out;
}

template <class Row, class Read>
std::optional<Row> first(const PgResult& r, Read read) {
  if (r.rows() == 0) return std::nullopt;
  return read(r, 0);
}

}  // namespace diskret::store::postgresql::rows

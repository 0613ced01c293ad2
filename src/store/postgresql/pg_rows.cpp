#include "store/postgresql/pg_rows.hpp"

#include <algorithm>
#include <cstring>

namespace diskret::store::postgresql::rows {
namespace {

std::uint64_t u64(const PgResult& r, int row, int column) {
  return static_cast<std::uint64_t>(r.int64(row, column));
}
std::uint16_t u16(const PgResult& r, int row, int column) {
  return static_cast<std::uint16_t>(r.int64(row, column));
}
std::string text(const PgResult& r, int row, int column) { return std::string(r.text(row, column)); }

Blind blind(const PgResult& r, int row, int column) {
  Blind b{};
  const std::string bytes = r.bytes(row, column);
  std::memcpy(b.data(), bytes.data(), std::min(bytes.size(), b.size()));
  return b;
}

}  // namespace

MessageRecord message(const PgResult& r, int row) {
  MessageRecord m;
  m.id = u64(r, row, 0);
  m.tenant_id = u64(r, row, 1);
  if (!r.is_null(row, 2)) m.subject_id = u64(r, row, 2);
  m.status = static_cast<std::uint8_t>(r.int64(row, 3));
  m.category = static_cast<std::uint8_t>(r.int64(row, 4));
  m.segments = u16(r, row, 5);
  m.encoding = text(r, row, 6);
  m.sender = text(r, row, 7);
  m.payload = r.bytes(row, 8);
  m.send_at_ms = r.optional_int64(row, 9);
  m.expires_at_ms = r.optional_int64(row, 10);
  m.submitted_at_ms = r.optional_int64(row, 11);
  m.done_at_ms = r.optional_int64(row, 12);
  m.carrier = text(r, row, 13);
  m.parts = u16(r, row, 14);
  m.parts_delivered = u16(r, row, 15);
  m.error_code = text(r, row, 16);
  m.error_detail = text(r, row, 17);
  m.request_id = text(r, row, 18);
  return m;
}

void add_message(PgParams& p, const MessageRecord& m) {
  p.add(m.id).add(m.tenant_id).add(m.subject_id).add(int{m.status}).add(int{m.category});
  p.add(int{m.segments}).add_text(m.encoding).add_text(m.sender).add_bytes(m.payload);
  p.add(m.send_at_ms).add(m.expires_at_ms).add(m.submitted_at_ms).add(m.done_at_ms);
  p.add_text_or_null(m.carrier).add(int{m.parts}).add(int{m.parts_delivered});
  if (m.error_code.empty()) {
    p.add_null().add_null();
  } else {
    p.add_text(m.error_code).add_text(m.error_detail);
  }
  p.add_text_or_null(m.request_id);
}

TenantRecord tenant(const PgResult& r, int row) {
  TenantRecord t;
  t.id = u64(r, row, 0);
  t.public_id = text(r, row, 1);
  t.name = text(r, row, 2);
  t.display_name = text(r, row, 3);
  t.default_region = text(r, row, 4);
  t.allowed_countries = text(r, row, 5);
  t.max_segments = u16(r, row, 6);
  t.created_at_ms = r.int64(row, 7);
  t.sender_ids = text(r, row, 8);
  t.quiet_hours = text(r, row, 9);
  return t;
}

ApiKeyRecord api_key(const PgResult& r, int row) {
  ApiKeyRecord k;
  k.id = u64(r, row, 0);
  k.tenant_id = u64(r, row, 1);
  k.prefix = text(r, row, 2);
  k.hash = text(r, row, 3);
  k.name = text(r, row, 4);
  k.role = text(r, row, 5);
  k.created_at_ms = r.int64(row, 6);
  k.revoked_at_ms = r.optional_int64(row, 7);
  k.tenant_public_id = text(r, row, 8);
  return k;
}

SubjectRecord subject(const PgResult& r, int row) {
  SubjectRecord s;
  s.tenant_id = u64(r, row, 0);
  s.blind = blind(r, row, 1);
  s.subject_id = u64(r, row, 2);
  s.wrapped = r.bytes(row, 3);
  s.created_at_ms = r.int64(row, 4);
  return s;
}

PartRecord part(const PgResult& r, int row) {
  PartRecord p;
  p.carrier_id = text(r, row, 0);
  p.carrier = text(r, row, 1);
  p.message_id = u64(r, row, 2);
  p.part = u16(r, row, 3);
  p.state = static_cast<std::uint8_t>(r.int64(row, 4));
  p.request_id = text(r, row, 5);
  return p;
}

TenantKeyRecord tenant_key(const PgResult& r, int row) {
  TenantKeyRecord k;
  k.tenant_id = u64(r, row, 0);
  k.version = static_cast<std::uint32_t>(r.int64(row, 1));
  k.master_key_id = text(r, row, 2);
  k.wrapped = r.bytes(row, 3);
  k.created_at_ms = r.int64(row, 4);
  return k;
}

}  // namespace diskret::store::postgresql::rows

#include "store/sqlite/rows.hpp"

#include <algorithm>

namespace diskret::store::sqlite::rows {
namespace {

std::uint16_t u16(const SqliteStatement& s, int column) {
  return static_cast<std::uint16_t>(s.int64(column));
}

std::optional<std::uint64_t> optional_u64(const SqliteStatement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return static_cast<std::uint64_t>(s.int64(column));
}

}  // namespace

MessageRecord message(const SqliteStatement& s) {
  MessageRecord m;
  m.id = static_cast<std::uint64_t>(s.int64(0));
  m.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  m.subject_id = optional_u64(s, 2);
  m.status = static_cast<std::uint8_t>(s.int64(3));
  m.category = static_cast<std::uint8_t>(s.int64(4));
  m.segments = u16(s, 5);
  m.encoding = s.text(6);
  m.sender = s.text(7);
  m.payload = s.blob(8);
  m.send_at_ms = s.optional_int64(9);
  m.expires_at_ms = s.optional_int64(10);
  m.submitted_at_ms = s.optional_int64(11);
  m.done_at_ms = s.optional_int64(12);
  m.carrier = s.text(13);
  m.parts = u16(s, 14);
  m.parts_delivered = u16(s, 15);
  m.error_code = s.text(16);
  m.error_detail = s.text(17);
  m.request_id = s.text(18);
  return m;
}

void bind_message(SqliteStatement& s, const MessageRecord& m) {
  s.bind(1, m.id);
  s.bind(2, m.tenant_id);
  s.bind(3, m.subject_id);
  s.bind(4, int{m.status});
  s.bind(5, int{m.category});
  s.bind(6, int{m.segments});
  s.bind_text(7, m.encoding);
  s.bind_text(8, m.sender);
  s.bind_blob(9, m.payload);
  s.bind(10, m.send_at_ms);
  s.bind(11, m.expires_at_ms);
  s.bind(12, m.submitted_at_ms);
  s.bind(13, m.done_at_ms);
  if (m.carrier.empty()) {
    s.bind_null(14);
  } else {
    s.bind_text(14, m.carrier);
  }
  s.bind(15, int{m.parts});
  s.bind(16, int{m.parts_delivered});
  if (m.error_code.empty()) {
    s.bind_null(17);
    s.bind_null(18);
  } else {
    s.bind_text(17, m.error_code);
    s.bind_text(18, m.error_detail);
  }
  if (m.request_id.empty()) {
    s.bind_null(19);
  } else {
    s.bind_text(19, m.request_id);
  }
}

TenantRecord tenant(const SqliteStatement& s) {
  TenantRecord t;
  t.id = static_cast<std::uint64_t>(s.int64(0));
  t.public_id = s.text(1);
  t.name = s.text(2);
  t.display_name = s.text(3);
  t.default_region = s.text(4);
  t.allowed_countries = s.text(5);
  t.max_segments = u16(s, 6);
  t.created_at_ms = s.int64(7);
  t.sender_ids = s.text(8);
  t.quiet_hours = s.text(9);
  return t;
}

ApiKeyRecord api_key(const SqliteStatement& s) {
  ApiKeyRecord k;
  k.id = static_cast<std::uint64_t>(s.int64(0));
  k.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  k.prefix = s.text(2);
  k.hash = s.text(3);
  k.name = s.text(4);
  k.role = s.text(5);
  k.created_at_ms = s.int64(6);
  k.revoked_at_ms = s.optional_int64(7);
  k.tenant_public_id = s.text(8);
  return k;
}

SubjectRecord subject(const SqliteStatement& s) {
  SubjectRecord r;
  r.tenant_id = static_cast<std::uint64_t>(s.int64(0));
  const std::string blind = s.blob(1);
  std::copy_n(blind.begin(), std::min(blind.size(), r.blind.size()), r.blind.begin());
  r.subject_id = static_cast<std::uint64_t>(s.int64(2));
  r.wrapped = s.blob(3);
  r.created_at_ms = s.int64(4);
  return r;
}

PartRecord part(const SqliteStatement& s) {
  PartRecord p;
  p.carrier_id = s.text(0);
  p.carrier = s.text(1);
  p.message_id = static_cast<std::uint64_t>(s.int64(2));
  p.part = u16(s, 3);
  p.state = static_cast<std::uint8_t>(s.int64(4));
  p.request_id = s.text(5);
  return p;
}

}  // namespace diskret::store::sqlite::rows

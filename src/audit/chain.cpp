#include "audit/chain.hpp"

#include <boost/json/parse.hpp>

#include "audit/errc.hpp"

namespace diskret::audit {
namespace {

void field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out.append(value);
  out += ';';
}

bool is_action(std::string_view a) {
  if (a.empty() || a.size() > 64 || a.front() == '.' || a.back() == '.') return false;
  for (char c : a) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_')) return false;
  }
  return true;
}

bool is_subject(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_object_text(std::string_view s) {
  if (s.size() > 200) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool is_json_object(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  return !ec && value.is_object();
}

}  // namespace

std::string canonical_encoding(const AuditEntry& e) {
  std::string s = "diskret-audit/1;";
  s.reserve(s.size() + 96 + e.actor.size() + e.action.size() + e.object.size() +
            e.subject.size() + e.details.size());
  field(s, std::to_string(e.tenant));
  field(s, std::to_string(e.seq));
  field(s, std::to_string(e.at_ms));
  field(s, e.actor);
  field(s, e.action);
  field(s, e.object);
  field(s, e.subject);
  field(s, e.details);
  return s;
}

crypto::Sha256 entry_hash(const AuditEntry& e) {
  std::string data(reinterpret_cast<const char*>(e.prev_hash.data()), e.prev_hash.size());
  data += canonical_encoding(e);
  return crypto::sha256(data);
}

Expected<AuditEntry> seal_entry(const AuditDraft& draft, const ChainHead& head) {
  if (draft.tenant != head.tenant) return fail(Errc::invalid_entry, "draft and chain head differ in tenant");
  if (!is_action(draft.action)) return fail(Errc::invalid_entry, "an action is a dotted lowercase name");
  if (!is_subject(draft.subject)) {
    return fail(Errc::invalid_entry, "a subject is a blind index (32 lowercase hex digits)");
  }
  if (!is_object_text(draft.object)) return fail(Errc::invalid_entry, "object too long or not printable");
  const auto colon = draft.actor.find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 == draft.actor.size() ||
      !is_object_text(draft.actor)) {
    return fail(Errc::invalid_entry, "an actor is a printable <kind>:<id>");
  }
  if (!is_json_object(draft.details)) return fail(Errc::invalid_entry, "details must be a JSON object");
  AuditEntry e;
  e.tenant = draft.tenant;
  e.seq = head.seq + 1;
  e.at_ms = draft.at_ms;
  e.actor = draft.actor;
  e.action = draft.action;
  e.object = draft.object;
  e.subject = draft.subject;
  e.details = draft.details;
  e.prev_hash = head.hash;
  e.hash = entry_hash(e);
  return e;
}

}  // namespace diskret::audit

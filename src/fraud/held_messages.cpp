#include "fraud/held_messages.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "crypto/secret_box.hpp"

namespace diskret::fraud {
namespace {

namespace json = boost::json;

std::string payload_ad(std::uint64_t tenant) {
  return crypto::record_ad(tenant, "held_messages", 0, "message");
}

std::string encode(const pipeline::NewMessage& m) {
  json::object o{{"to", m.to},
                 {"from", m.from},
                 {"text", m.text},
                 {"category", pipeline::category_name(m.category)},
                 {"client_ref", m.client_ref}};
  if (m.expires_at) {
    o["expires_at_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                             m.expires_at->time_since_epoch())
                             .count();
  }
  return json::serialize(o);
}

Expected<pipeline::NewMessage> decode(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return fail(Errc::internal, "held message payload is not JSON");
  const auto& o = v.as_object();
  pipeline::NewMessage m;
  auto str = [&o](const char* k) {
    auto* p = o.if_contains(k);
    return p && p->is_string() ? std::string(p->as_string()) : std::string();
  };
  m.to = str("to");
  m.from = str("from");
  m.text = str("text");
  m.client_ref = str("client_ref");
  m.category = pipeline::parse_category(str("category")).value_or(pipeline::Category::transactional);
  if (auto* e = o.if_contains("expires_at_ms"); e && e->is_int64()) {
    m.expires_at = SystemTime{std::chrono::milliseconds{e->as_int64()}};
  }
  return m;
}

}  // namespace

Expected<std::unique_ptr<HeldMessages>> HeldMessages::open(const std::filesystem::path& main_path,
                                                           store::KeyRing& keys, const Clock& clock) {
  auto db = store::sqlite::SqliteDb::open_beside(main_path, std::chrono::milliseconds{5'000});
  if (!db) return unexpected(db.error());
  return std::make_unique<HeldMessages>(std::make_unique<store::sqlite::SqliteDb>(std::move(*db)), keys, clock);
}

HeldMessages::HeldMessages(std::unique_ptr<store::SqlDb> db, store::KeyRing& keys, const Clock& clock)
    : db_(std::move(db)), keys_(keys), clock_(clock) {}

Expected<std::uint64_t> HeldMessages::hold(std::uint64_t tenant, const pipeline::NewMessage& message,
                                           const std::string& reason, const std::string& range,
                                           const std::string& source) {
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  const std::string sealed = crypto::seal((*keys)->data_key, encode(message), payload_ad(tenant));
  // The person's blind index: an erasure finds and deletes what is held for them.
  std::optional<store::Blind> blind;
  if (!message.to.empty() && message.to.front() == '+') blind = store::KeyRing::blind(**keys, message.to);
  std::lock_guard lock(mutex_);
  return store::insert_returning_id(
      *db_,
      "INSERT INTO held_messages (tenant_id, created_at, reason, range_name, source, sealed, blind) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      [&](store::SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, clock_.now_ms());
        s.bind_text(3, reason);
        s.bind_text(4, range);
        s.bind_text(5, source);
        s.bind_blob(6, sealed);
        if (blind) {
          s.bind_blob(7, blind->data(), blind->size());
        } else {
          s.bind_null(7);
        }
      });
}

Expected<HeldMessage> HeldMessages::read(store::SqlStatement& s, std::uint64_t tenant) {
  HeldMessage h;
  h.id = static_cast<std::uint64_t>(s.int64(0));
  h.tenant = tenant;
  h.created_at = SystemTime{std::chrono::milliseconds{s.int64(1)}};
  h.reason = s.text(2);
  h.range = s.text(3);
  h.source = s.text(4);
  auto keys = keys_.tenant(tenant);
  if (!keys) return unexpected(keys.error());
  auto plain = crypto::open((*keys)->data_key, s.blob(5), payload_ad(tenant));
  if (!plain) return unexpected(plain.error());
  auto m = decode(*plain);
  if (!m) return unexpected(m.error());
  h.message = std::move(*m);
  return h;
}

Expected<std::vector<HeldMessage>> HeldMessages::list(std::uint64_t tenant, std::uint64_t after,
                                                      std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(
      "SELECT id, created_at, reason, range_name, source, sealed FROM held_messages "
      "WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, after);
  (*s)->bind(3, static_cast<std::int64_t>(limit));
  std::vector<HeldMessage> out;
  for (;;) {
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    auto h = read(**s, tenant);
    if (!h) return unexpected(h.error());
    out.push_back(std::move(*h));
  }
  return out;
}

Expected<std::optional<HeldMessage>> HeldMessages::get(std::uint64_t tenant, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(
      "SELECT id, created_at, reason, range_name, source, sealed FROM held_messages "
      "WHERE tenant_id = ? AND id = ?");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, id);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<HeldMessage>{};
  auto h = read(**s, tenant);
  if (!h) return unexpected(h.error());
  return std::optional<HeldMessage>{std::move(*h)};
}

Expected<bool> HeldMessages::remove(std::uint64_t tenant, std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto s = db_->use("DELETE FROM held_messages WHERE tenant_id = ? AND id = ?");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, id);
  if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
  return db_->changes() > 0;
}

Expected<std::vector<ExpiredHold>> HeldMessages::expire(SystemTime before, std::size_t limit) {
  const std::int64_t before_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch()).count();
  std::lock_guard lock(mutex_);
  // One statement: a release racing the expiry finds the row gone (404) or sends it, never
  // both. Plain SQL that PostgreSQL runs as it is (DELETE ... RETURNING, no DELETE LIMIT).
  auto s = db_->use(
      "DELETE FROM held_messages WHERE id IN "
      "(SELECT id FROM held_messages WHERE created_at <= ? ORDER BY id LIMIT ?) "
      "RETURNING id, tenant_id, created_at, reason, range_name, source");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, before_ms);
  (*s)->bind(2, static_cast<std::int64_t>(limit));
  std::vector<ExpiredHold> out;
  for (;;) {
    auto row = (*s)->step();
    if (!row) return unexpected(row.error());
    if (!*row) break;
    ExpiredHold h;
    h.id = static_cast<std::uint64_t>((*s)->int64(0));
    h.tenant = static_cast<std::uint64_t>((*s)->int64(1));
    h.created_at = SystemTime{std::chrono::milliseconds{(*s)->int64(2)}};
    h.reason = (*s)->text(3);
    h.range = (*s)->text(4);
    h.source = (*s)->text(5);
    out.push_back(std::move(h));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Expected<AbuseSettings> HeldMessages::settings_locked(std::uint64_t tenant) {
  if (auto it = settings_.find(tenant); it != settings_.end()) return it->second;
  auto s = db_->use(
      "SELECT link_check, prefix_per_hour, unusual_per_hour FROM tenant_abuse_settings "
      "WHERE tenant_id = ?");
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  auto row = (*s)->step();
  if (!row) return unexpected(row.error());
  AbuseSettings out;
  if (*row) {
    out.link_check = (*s)->int64(0) != 0;
    if (auto v = (*s)->optional_int64(1)) out.prefix_per_hour = static_cast<std::uint32_t>(*v);
    if (auto v = (*s)->optional_int64(2)) out.unusual_per_hour = static_cast<std::uint32_t>(*v);
  }
  settings_[tenant] = out;
  return out;
}

Expected<AbuseSettings> HeldMessages::settings(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  return settings_locked(tenant);
}

Expected<void> HeldMessages::set_settings(std::uint64_t tenant, const AbuseSettings& settings) {
  std::lock_guard lock(mutex_);
  return write_locked(tenant, settings);
}

Expected<void> HeldMessages::write_locked(std::uint64_t tenant, const AbuseSettings& settings) {
  auto s = db_->use(
      "INSERT INTO tenant_abuse_settings (tenant_id, link_check, prefix_per_hour, unusual_per_hour) "
      "VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET link_check = excluded.link_check, "
      "prefix_per_hour = excluded.prefix_per_hour, unusual_per_hour = excluded.unusual_per_hour");
  if (!s) return unexpected(s.error());
  auto optional = [](std::optional<std::uint32_t> v) {
    return v ? std::optional<std::int64_t>{*v} : std::nullopt;
  };
  (*s)->bind(1, tenant);
  (*s)->bind(2, settings.link_check ? 1 : 0);
  (*s)->bind(3, optional(settings.prefix_per_hour));
  (*s)->bind(4, optional(settings.unusual_per_hour));
  if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
  settings_[tenant] = settings;
  return {};
}

Expected<bool> HeldMessages::link_check(std::uint64_t tenant) {
  auto s = settings(tenant);
  if (!s) return unexpected(s.error());
  return s->link_check;
}

Expected<void> HeldMessages::set_link_check(std::uint64_t tenant, bool on) {
  std::lock_guard lock(mutex_);
  auto current = settings_locked(tenant);
  if (!current) return unexpected(current.error());
  AbuseSettings next = *current;
  next.link_check = on;
  return write_locked(tenant, next);
}

}  // namespace diskret::fraud

#include "portal/session_store.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "crypto/digest.hpp"
#include "crypto/secret.hpp"

namespace diskret::portal {
namespace {

// Tokens are 32 random bytes: the map and the table keep their hash, so a heap dump or a
// copy of the database does not hand out live cookies.
std::string key_of(std::string_view token) { return crypto::sha256_hex(token); }

// The CSRF token is a second hash of the session token (another domain than key_of), so it
// needs storing nowhere and survives a restart; the stored key_of does not reveal it.
std::string csrf_of(std::string_view token) {
  return crypto::sha256_hex("diskret portal csrf\n" + std::string(token));
}

std::int64_t ms_of(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

SystemTime time_of(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

constexpr std::string_view kInsert =
    "INSERT INTO portal_sessions(token_hash, tenant_id, tenant_public_id, user_id, "
    "role, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(token_hash) DO UPDATE "
    "SET tenant_id = excluded.tenant_id, tenant_public_id = excluded.tenant_public_id, "
    "user_id = excluded.user_id, role = excluded.role, created_at = excluded.created_at, "
    "last_seen = excluded.last_seen";
constexpr std::string_view kSelect =
    "SELECT tenant_id, user_id, role, created_at, last_seen, tenant_public_id FROM portal_sessions "
    "WHERE token_hash = ?";
constexpr std::string_view kTouch =
    "UPDATE portal_sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?";
constexpr std::string_view kDeleteOne = "DELETE FROM portal_sessions WHERE token_hash = ?";
constexpr std::string_view kDeleteUser =
    "DELETE FROM portal_sessions WHERE tenant_id = ? AND user_id = ?";
constexpr std::string_view kSweep =
    "DELETE FROM portal_sessions WHERE last_seen + ?1 <= ?3 OR created_at + ?2 <= ?3";  // min(): SQLite only

void warn(std::string_view what, const Error& e) {
  spdlog::warn("portal sessions: cannot {}: {}", what, e.message());
}

}  // namespace

SessionStore::SessionStore(const Clock& clock, SessionOptions options)
    : clock_(clock), options_(options) {}

void SessionStore::persist_in(store::sqlite::SqliteDb db, EmailLookup email_of) {
  persist_in(std::make_unique<store::sqlite::SqliteDb>(std::move(db)), std::move(email_of));
}

void SessionStore::persist_in(std::unique_ptr<store::SqlDb> db, EmailLookup email_of) {
  std::lock_guard lock(mutex_);
  db_ = std::move(db);
  email_of_ = std::move(email_of);
  sweep(clock_.now());
}

SystemTime SessionStore::expiry(const Session& s) const {
  return std::min(s.last_seen + options_.idle, s.created_at + options_.lifetime);
}

void SessionStore::sweep(SystemTime now) {
  std::erase_if(sessions_, [&](const auto& entry) { return expiry(entry.second) <= now; });
  if (!db_) return;
  auto s = db_->use(kSweep);
  if (!s) return warn("drop expired sessions", s.error());
  (*s)->bind(1, static_cast<std::int64_t>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(options_.idle).count()));
  (*s)->bind(2, static_cast<std::int64_t>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(options_.lifetime).count()));
  (*s)->bind(3, ms_of(now));
  if (auto ok = (*s)->run(); !ok) warn("drop expired sessions", ok.error());
}

void SessionStore::store_new(const std::string& key, const Session& session) {
  if (!db_) return;
  auto s = db_->use(kInsert);
  if (!s) return warn("store a session", s.error());
  (*s)->bind_text(1, key);
  (*s)->bind(2, session.principal.tenant.value);
  (*s)->bind_text(3, session.principal.tenant_public_id);
  (*s)->bind(4, session.principal.user_id);
  (*s)->bind_text(5, tenancy::role_name(session.principal.role));
  (*s)->bind(6, ms_of(session.created_at));
  (*s)->bind(7, ms_of(session.last_seen));
  if (auto ok = (*s)->run(); !ok) warn("store a session", ok.error());
}

void SessionStore::store_seen(const std::string& key, Session& session) {
  if (!db_ || session.last_seen - session.stored_seen < options_.recheck) return;
  auto s = db_->use(kTouch);
  if (!s) return warn("store a session's last use", s.error());
  (*s)->bind(1, ms_of(session.last_seen));
  (*s)->bind_text(2, key);
  (*s)->bind(3, ms_of(session.last_seen));
  if (auto ok = (*s)->run(); !ok) return warn("store a session's last use", ok.error());
  session.stored_seen = session.last_seen;
}

void SessionStore::erase_stored(std::string_view sql, const std::string& key,
                                std::uint64_t tenant, std::uint64_t user) {
  if (!db_) return;
  auto s = db_->use(sql);
  if (!s) return warn("delete sessions", s.error());
  if (key.empty()) {
    (*s)->bind(1, tenant);
    (*s)->bind(2, user);
  } else {
    (*s)->bind_text(1, key);
  }
  if (auto ok = (*s)->run(); !ok) warn("delete sessions", ok.error());
}

std::optional<SessionStore::Session> SessionStore::load(const std::string& key, SystemTime now) {
  if (!db_) return std::nullopt;
  Session session;
  {
    auto s = db_->use(kSelect);
    if (!s) {
      warn("read a session", s.error());
      return std::nullopt;
    }
    (*s)->bind_text(1, key);
    auto has = (*s)->step();
    if (!has) {
      warn("read a session", has.error());
      return std::nullopt;
    }
    if (!*has) return std::nullopt;
    auto role = tenancy::parse_role((*s)->text(2));
    session.principal.tenant = tenancy::TenantId{static_cast<std::uint64_t>((*s)->int64(0))};
    session.principal.tenant_public_id = (*s)->text(5);
    session.principal.user_id = static_cast<std::uint64_t>((*s)->int64(1));
    session.principal.role = role.value_or(tenancy::Role::viewer);
    session.created_at = time_of((*s)->int64(3));
    session.last_seen = time_of((*s)->int64(4));
    session.stored_seen = session.last_seen;
    if (!role) session.last_seen = SystemTime{};  // unreadable: treat as expired
  }
  if (expiry(session) <= now || !email_of_) {
    erase_stored(kDeleteOne, key, 0, 0);
    return std::nullopt;
  }
  auto email = email_of_(session.principal.tenant.value, session.principal.user_id);
  if (!email) {
    warn("look up a session's user", email.error());
    return std::nullopt;
  }
  if (!*email) {
    erase_stored(kDeleteOne, key, 0, 0);
    return std::nullopt;
  }
  session.email = std::move(**email);
  // The role may have changed while the server was down: look it up on first use.
  session.checked = SystemTime{};
  return session;
}

NewSession SessionStore::create(const tenancy::Principal& principal, std::string email) {
  const auto now = clock_.now();
  NewSession out{crypto::random_token(32), {}, {}};
  out.csrf = csrf_of(out.token);
  Session s{principal, std::move(email), now, now, now, now};
  out.expires_at = expiry(s);
  const std::string key = key_of(out.token);
  std::lock_guard lock(mutex_);
  sweep(now);
  store_new(key, s);
  sessions_.emplace(key, std::move(s));
  return out;
}

SessionStore::Map::iterator SessionStore::find_live(std::string_view token, SystemTime now) {
  const std::string key = key_of(token);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) {
    auto loaded = load(key, now);
    if (!loaded) return sessions_.end();
    return sessions_.emplace(key, std::move(*loaded)).first;
  }
  if (expiry(it->second) <= now) {
    sessions_.erase(it);
    erase_stored(kDeleteOne, key, 0, 0);
    return sessions_.end();
  }
  return it;
}

std::optional<SessionInfo> SessionStore::info(std::string_view token) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  auto it = find_live(token, now);
  if (it == sessions_.end()) return std::nullopt;
  const Session& s = it->second;
  return SessionInfo{s.principal, s.email, csrf_of(token), s.created_at, expiry(s)};
}

bool SessionStore::end(std::string_view token) {
  const std::string key = key_of(token);
  std::lock_guard lock(mutex_);
  const bool known = sessions_.erase(key) > 0;
  erase_stored(kDeleteOne, key, 0, 0);
  return known || (db_ && db_->changes() > 0);
}

std::size_t SessionStore::end_all(std::uint64_t tenant, std::uint64_t user_id) {
  std::lock_guard lock(mutex_);
  std::size_t ended = std::erase_if(sessions_, [&](const auto& entry) {
    return entry.second.principal.tenant.value == tenant &&
           entry.second.principal.user_id == user_id;
  });
  if (db_) {
    // Rows of sessions not used since the restart are not in the map: count them too.
    erase_stored(kDeleteUser, {}, tenant, user_id);
    ended = std::max<std::size_t>(ended, static_cast<std::size_t>(db_->changes()));
  }
  return ended;
}

std::size_t SessionStore::open_sessions() {
  std::lock_guard lock(mutex_);
  sweep(clock_.now());
  return sessions_.size();
}

Expected<tenancy::Principal> SessionStore::resolve_session(std::string_view token,
                                                           std::optional<std::string_view> csrf) {
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  auto it = find_live(token, now);
  if (it == sessions_.end()) return fail(Errc::not_found, "no such session");
  if (csrf && !crypto::constant_time_equal(*csrf, csrf_of(token))) {
    return fail(Errc::permission_denied, "CSRF token mismatch");
  }
  Session& s = it->second;
  if (check_ && now - s.checked >= options_.recheck) {
    // A lookup by id (no Argon2id): cheap enough to do under the lock every few seconds.
    auto role = check_(s.principal.tenant.value, s.principal.user_id);
    if (role) {
      if (!*role) {
        const std::string key = it->first;
        sessions_.erase(it);
        erase_stored(kDeleteOne, key, 0, 0);
        return fail(Errc::not_found, "the session's user is gone");
      }
      s.principal.role = **role;
      s.checked = now;
    }
  }
  s.last_seen = now;
  store_seen(it->first, s);
  return s.principal;
}

}  // namespace diskret::portal

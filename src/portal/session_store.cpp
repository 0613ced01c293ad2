#include "portal/session_store.hpp"

#include <algorithm>

#include "crypto/digest.hpp"
#include "crypto/secret.hpp"

namespace diskret::portal {
namespace {

// Tokens are 32 random bytes: the map keeps their hash, so a heap dump or a log of the map
// does not hand out live cookies.
std::string key_of(std::string_view token) { return crypto::sha256_hex(token); }

}  // namespace

SessionStore::SessionStore(const Clock& clock, SessionOptions options)
    : clock_(clock), options_(options) {}

SystemTime SessionStore::expiry(const Session& s) const {
  return std::min(s.last_seen + options_.idle, s.created_at + options_.lifetime);
}

void SessionStore::sweep(SystemTime now) {
  std::erase_if(sessions_, [&](const auto& entry) { return expiry(entry.second) <= now; });
}

NewSession SessionStore::create(const tenancy::Principal& principal, std::string email) {
  const auto now = clock_.now();
  NewSession out{crypto::random_token(32), crypto::random_token(32), {}};
  Session s{principal, std::move(email), out.csrf, now, now, now};
  out.expires_at = expiry(s);
  std::lock_guard lock(mutex_);
  sweep(now);
  sessions_.emplace(key_of(out.token), std::move(s));
  return out;
}

SessionStore::Map::iterator SessionStore::find_live(std::string_view token, SystemTime now) {
  auto it = sessions_.find(key_of(token));
  if (it == sessions_.end()) return it;
  if (expiry(it->second) <= now) {
    sessions_.erase(it);
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
  return SessionInfo{s.principal, s.email, s.csrf, s.created_at, expiry(s)};
}

bool SessionStore::end(std::string_view token) {
  std::lock_guard lock(mutex_);
  return sessions_.erase(key_of(token)) > 0;
}

std::size_t SessionStore::end_all(std::uint64_t tenant, std::uint64_t user_id) {
  std::lock_guard lock(mutex_);
  return std::erase_if(sessions_, [&](const auto& entry) {
    return entry.second.principal.tenant.value == tenant &&
           entry.second.principal.user_id == user_id;
  });
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
  if (csrf && !crypto::constant_time_equal(*csrf, it->second.csrf)) {
    return fail(Errc::permission_denied, "CSRF token mismatch");
  }
  Session& s = it->second;
  if (check_ && now - s.checked >= options_.recheck) {
    // A lookup by id (no Argon2id): cheap enough to do under the lock every few seconds.
    auto role = check_(s.principal.tenant.value, s.principal.user_id);
    if (role) {
      if (!*role) {
        sessions_.erase(it);
        return fail(Errc::not_found, "the session's user is gone");
      }
      s.principal.role = **role;
      s.checked = now;
    }
  }
  s.last_seen = now;
  return s.principal;
}

}  // namespace diskret::portal

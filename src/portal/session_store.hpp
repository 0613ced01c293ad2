#pragma once
/// SessionStore: the portal's login sessions. A session is a random token (the HttpOnly
/// cookie; only its SHA-256 is kept) plus a CSRF token derived from it, bound to one user of
/// one tenant with that user's role. Sessions end on logout, on "log out everywhere", after
/// `idle` without a request and after `lifetime` in any case. With persist_in() they are
/// also written to the main database (portal_sessions: token hash, ids, role, times; no
/// email, no CSRF token), so a restart keeps them; without it they live in memory only.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::portal {

struct SessionOptions {
  std::chrono::seconds idle{30 * 60};
  std::chrono::seconds lifetime{12 * 60 * 60};
  /// How often a session's user is looked up again (role changed, user removed).
  std::chrono::seconds recheck{30};
};

/// The user's current role; nullopt when the user was removed or disabled.
using UserCheck = std::function<Expected<std::optional<tenancy::Role>>(std::uint64_t tenant,
                                                                        std::uint64_t user)>;

/// The user's email, for a session read back from the database (nullopt: user gone).
using EmailLookup = std::function<Expected<std::optional<std::string>>(std::uint64_t tenant,
                                                                        std::uint64_t user)>;

struct NewSession {
  std::string token;  ///< the cookie value; shown once
  std::string csrf;   ///< the X-CSRF-Token value
  SystemTime expires_at;
};

/// What GET /v1/session shows of a session.
struct SessionInfo {
  tenancy::Principal principal;
  std::string email;
  std::string csrf;
  SystemTime created_at;
  SystemTime expires_at;  ///< the earlier of idle and absolute expiry, as of now
};

class SessionStore : public tenancy::SessionResolver {
 public:
  SessionStore(const Clock& clock, SessionOptions options = {});
  /// With a check, a session follows its user: a changed role applies within
  /// options.recheck, a removed or disabled user's sessions end. A failing check keeps the
  /// session as it is (a database hiccup logs nobody out).
  void set_user_check(UserCheck check) { check_ = std::move(check); }
  /// Keeps sessions in portal_sessions of `db` (a connection beside the main store's) as
  /// well, and drops the expired rows there. Sessions are read back on first use after a
  /// restart (their email through `email_of`). last_seen is written at most every
  /// options.recheck, so after a restart the idle time may count from up to that earlier.
  /// Database errors are logged: the in-memory session still works.
  void persist_in(store::sqlite::SqliteDb db, EmailLookup email_of);
  /// The same on any connection to the main database (SqlHost::sql_connect()).
  void persist_in(std::unique_ptr<store::SqlDb> db, EmailLookup email_of);

  NewSession create(const tenancy::Principal& principal, std::string email);
  std::optional<SessionInfo> info(std::string_view token);
  /// Ends one session; false when it did not exist.
  bool end(std::string_view token);
  /// Ends every session of the user; returns how many.
  std::size_t end_all(std::uint64_t tenant, std::uint64_t user_id);
  /// Sessions currently open (expired ones are dropped first).
  std::size_t open_sessions();

  // tenancy::SessionResolver
  Expected<tenancy::Principal> resolve_session(std::string_view token,
                                               std::optional<std::string_view> csrf) override;

 private:
  struct Session {
    tenancy::Principal principal;
    std::string email;
    SystemTime created_at;
    SystemTime last_seen;
    SystemTime checked;
    SystemTime stored_seen;  ///< last_seen as written to the database
  };
  using Map = std::map<std::string, Session, std::less<>>;
  /// The live session of `token` (expired ones are erased); caller holds mutex_.
  Map::iterator find_live(std::string_view token, SystemTime now);
  SystemTime expiry(const Session& s) const;
  void sweep(SystemTime now);
  /// The session of `key` read back from the database (nullopt: none, expired or user
  /// gone); caller holds mutex_.
  std::optional<Session> load(const std::string& key, SystemTime now);
  void store_new(const std::string& key, const Session& s);
  void store_seen(const std::string& key, Session& s);
  void erase_stored(std::string_view sql, const std::string& key, std::uint64_t tenant,
                    std::uint64_t user);

  const Clock& clock_;
  SessionOptions options_;
  UserCheck check_;
  std::mutex mutex_;
  Map sessions_;  ///< by hex SHA-256 of the token
  std::unique_ptr<store::SqlDb> db_;
  EmailLookup email_of_;
};

}  // namespace diskret::portal

#include "store/postgresql/pg_store.hpp"

#include <unistd.h>

#include <random>

#include <fmt/format.h>

#include "store/postgresql/pg_migrations.hpp"

namespace diskret::store::postgresql {
namespace {

std::string default_node_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device random;
  return fmt::format("{}-{}-{:08x}", host[0] ? host : "node", ::getpid(), random());
}

}  // namespace

Expected<PgOptions> PgOptions::from_url(std::string_view url) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    return fail(Errc::invalid_argument, "store url must start with postgresql://");
  }
  // postgresql://user@host:port/db?params: the key database is <db>_keys on the same server.
  const std::size_t authority = url.find("://") + 3;
  const std::size_t slash = url.find('/', authority);
  if (slash == std::string_view::npos) {
    return fail(Errc::invalid_argument, "store url names no database (postgresql://host/db)");
  }
  const std::size_t query = url.find('?', slash);
  const std::string_view db = url.substr(slash + 1, query == std::string_view::npos
                                                        ? std::string_view::npos
                                                        : query - slash - 1);
  if (db.empty()) {
    return fail(Errc::invalid_argument, "store url names no database (postgresql://host/db)");
  }
  PgOptions o;
  o.url = std::string(url);
  o.keys_url = fmt::format("{}{}_keys{}", url.substr(0, slash + 1), db,
                           query == std::string_view::npos ? "" : url.substr(query));
  return o;
}

Expected<std::unique_ptr<PgStore>> PgStore::open(const PgOptions& options, const Clock& clock) {
  auto main = PgConnection::connect(options.url);
  if (!main) return unexpected(main.error());
  auto keys = PgConnection::connect(options.keys_url);
  if (!keys) {
    return unexpected(Error{keys.error().code, "key database: " + keys.error().detail});
  }
  PgOptions o = options;
  if (o.node_id.empty()) o.node_id = default_node_id();
  return std::make_unique<PgStore>(OpenToken{}, std::move(o), clock, std::move(*main),
                                   std::move(*keys));
}

PgStore::PgStore(OpenToken, PgOptions options, const Clock& clock, PgConnection main,
                 PgConnection keys)
    : options_(std::move(options)),
      clock_(clock),
      main_(std::make_unique<PgConnection>(std::move(main))),
      keys_(std::make_unique<PgConnection>(std::move(keys))),
      main_readers_(options_.url, options_.max_idle_readers),
      keys_readers_(options_.keys_url, options_.max_idle_readers) {}

// A process that opened the store and ends without release() (an admin command: migrate()
// made it a node; serve releases when its pipeline stops) gives its lease and slot back
// now: otherwise the nodes would count it as live, and send at a smaller share of each
// carrier's TPS, until its lease expired.
PgStore::~PgStore() {
  if (slot_.load() >= 0) (void)release();
}

Expected<void> PgStore::migrate() {
  {
    std::lock_guard lock(write_mutex_);
    for (auto* c : {&keys_, &main_}) {
      if (auto ok = reconnect_if_lost(*c, c == &keys_ ? options_.keys_url : options_.url); !ok) {
        return ok;
      }
    }
    auto keys = apply_migrations(*keys_, keys_migrations(), clock_.now_ms());
    if (!keys) return unexpected(keys.error());
    auto main = apply_migrations(*main_, main_migrations(), clock_.now_ms());
    if (!main) return unexpected(main.error());
  }
  // This node is live from here on: the messages it accepts are claimed by it.
  auto live = heartbeat(clock_.now_ms());
  if (!live) return unexpected(live.error());
  return {};
}

// COMMIT returned once PostgreSQL had flushed its log (synchronous_commit = on, the
// default, which multi-node operation needs: see docs/operations.md).
Expected<void> PgStore::sync(const Unsynced&) { return {}; }

Expected<void> PgStore::reconnect_if_lost(std::unique_ptr<PgConnection>& c, const std::string& url) {
  if (c && c->ok()) return {};
  auto fresh = PgConnection::connect(url);
  if (!fresh) return unexpected(fresh.error());
  c = std::make_unique<PgConnection>(std::move(*fresh));
  return {};
}

Expected<std::unique_ptr<PgConnection>> PgStore::Pool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = PgConnection::connect(url_);
  if (!c) return unexpected(c.error());
  return std::make_unique<PgConnection>(std::move(*c));
}

void PgStore::Pool::give_back(std::unique_ptr<PgConnection> c) {
  if (!c->ok() || c->in_transaction()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

void PgStore::Pool::clear() {
  std::lock_guard lock(mutex_);
  idle_.clear();
}

Expected<SqlReadLease> PgStore::sql_reader() {
  auto c = main_readers_.take();
  if (!c) return unexpected(c.error());
  if (!(*c)->ok()) {
    main_readers_.clear();
    c = main_readers_.take();
    if (!c) return unexpected(c.error());
  }
  return SqlReadLease(c->release(), [this](SqlDb* d) {
    main_readers_.give_back(std::unique_ptr<PgConnection>(static_cast<PgConnection*>(d)));
  });
}

Expected<std::unique_ptr<SqlDb>> PgStore::sql_connect() {
  auto c = PgConnection::connect(options_.url);
  if (!c) return unexpected(c.error());
  c->reopen_when_lost();  // held for the life of a store: survives a database restart
  return std::unique_ptr<SqlDb>(std::make_unique<PgConnection>(std::move(*c)));
}

Expected<std::unique_ptr<SqlDb>> PgStore::sql_connect_keys() {
  auto c = PgConnection::connect(options_.keys_url);
  if (!c) return unexpected(c.error());
  c->reopen_when_lost();
  return std::unique_ptr<SqlDb>(std::make_unique<PgConnection>(std::move(*c)));
}

Expected<PgResult> PgStore::read(std::string_view sql, const PgParams& params, bool keys) {
  Pool& pool = keys ? keys_readers_ : main_readers_;
  auto c = pool.take();
  if (!c) return unexpected(c.error());
  auto result = (*c)->query(sql, params);
  if (!result && !(*c)->ok()) {
    // An idle connection the server dropped meanwhile (restart, failover): once more on
    // a new one.
    pool.clear();
    c = pool.take();
    if (!c) return unexpected(c.error());
    result = (*c)->query(sql, params);
  }
  pool.give_back(std::move(*c));
  return result;
}

}  // namespace diskret::store::postgresql

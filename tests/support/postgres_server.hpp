#pragma once
// A throw-away PostgreSQL for tests: its own data directory in a temporary directory,
// listening on 127.0.0.1 on a free port (and a Unix socket in that directory only), run
// as an unprivileged user when the test runs as root (PostgreSQL refuses root), stopped
// and removed at the end. fsync is off unless asked for: no test here is about power loss.
// Tests skip only when the PostgreSQL binaries are missing (PostgreSQLServer::available());
// a server that exists but does not start is a failure.
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace diskret::test {

class PostgresServer {
 public:
  /// The directory of initdb, pg_ctl and postgres: $DISKRET_PG_BIN, else Debian's
  /// PostgreSQL 15; empty when neither has them.
  static std::string bin_dir() {
    namespace fs = std::filesystem;
    const char* env = std::getenv("DISKRET_PG_BIN");
    for (const char* dir : {env, "/usr/lib/postgresql/15/bin"}) {
      if (dir != nullptr && fs::exists(fs::path(dir) / "initdb") &&
          fs::exists(fs::path(dir) / "pg_ctl") && fs::exists(fs::path(dir) / "postgres")) {
        return dir;
      }
    }
    return {};
  }
  static bool available() { return !bin_dir().empty(); }
  static std::string missing_message() {
    return "PostgreSQL 15 binaries not found (apt-get install postgresql, or set "
           "DISKRET_PG_BIN to the directory of initdb, pg_ctl and postgres)";
  }

  /// fast: fsync off (tests; nothing here is about power loss); durable: PostgreSQL's
  /// defaults (benchmarks comparing with SQLite, which syncs every commit).
  enum class Durability : bool { fast, durable };

  /// Creates and starts the server; check running() (and error() for why not).
  explicit PostgresServer(Durability durability = Durability::fast) : durability_(durability) {
    bin_ = bin_dir();
    if (bin_.empty()) {
      error_ = missing_message();
      return;
    }
    char pattern[] = "/tmp/diskret-pg-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    if (::geteuid() == 0) {
      // PostgreSQL does not run as root: the postgres account of the Debian package, or
      // nobody; the data directory must belong to it.
      for (const char* name : {"postgres", "nobody"}) {
        if (const passwd* pw = ::getpwnam(name)) {
          user_ = name;
          if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
            error_ = "cannot chown the data directory to " + user_;
            return;
          }
          break;
        }
      }
      if (user_.empty()) {
        error_ = "running as root and there is no postgres or nobody account";
        return;
      }
    }
    if (!run(bin("initdb") + " -D " + data() + " -U diskret -A trust --no-sync -E UTF8 --locale=C")) {
      error_ = "initdb failed: see " + log();
      return;
    }
    start();
  }

  ~PostgresServer() {
    stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  /// Starts (again); a restart keeps the data and, while it is still free, the port.
  bool start() {
    if (running_) return true;
    for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
      if (port_ == 0 || attempt > 0) port_ = free_port();
      running_ = port_ != 0 &&
                 run(bin("pg_ctl") + " -D " + data() + " -l " + dir_ + "/server.log -w -t 30 -o '" +
                     "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) +
                     " -c unix_socket_directories=" + dir_ +
                     (durability_ == Durability::fast ? " -c fsync=off -c full_page_writes=off" : "") +
                     " -c max_connections=200'" + " start");
    }
    if (!running_) error_ = "pg_ctl start failed: see " + dir_ + "/server.log";
    return running_;
  }

  /// Stops the server (immediate: like a crash of the database server, which PostgreSQL
  /// recovers from at the next start).
  bool stop() {
    if (!running_) return true;
    running_ = !run(bin("pg_ctl") + " -D " + data() + " -m immediate -w stop");
    return !running_;
  }

  bool running() const { return running_; }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  /// The temporary directory holding the data directory and the logs.
  const std::string& directory() const { return dir_; }

  /// A connection URL for database `db` as the superuser `diskret` (trust on loopback).
  std::string url(const std::string& db = "postgres") const {
    return "postgresql://diskret@127.0.0.1:" + std::to_string(port_) + "/" + db;
  }

  /// Runs one SQL command on database `db`; the error message, or nullopt on success.
  std::optional<std::string> execute(const std::string& sql, const std::string& db = "postgres") const {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url(db).c_str()), PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) return std::string(PQerrorMessage(conn.get()));
    std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()), PQclear);
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return std::string(PQresultErrorMessage(res.get()));
    }
    return std::nullopt;
  }

  /// A new empty database with a name not used before on this server.
  std::string create_database(const std::string& prefix = "t") {
    const std::string name = prefix + "_" + std::to_string(++databases_);
    if (auto failed = execute("CREATE DATABASE " + name + " TEMPLATE template0")) {
      error_ = *failed;
      return {};
    }
    return name;
  }

 private:
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
  }

  std::string bin(const char* program) const { return bin_ + "/" + program; }
  std::string data() const { return dir_ + "/data"; }
  std::string log() const { return dir_ + "/setup.log"; }

  // Runs `command` as the server's user, its output appended to setup.log.
  bool run(const std::string& command) const {
    std::string full = command + " >>" + log() + " 2>&1";
    if (!user_.empty()) full = "runuser -u " + user_ + " -- sh -c \"" + full + "\"";
    return std::system(full.c_str()) == 0;
  }

  Durability durability_;
  std::string bin_;
  std::string dir_;
  std::string user_;
  std::string error_;
  std::uint16_t port_ = 0;
  bool running_ = false;
  int databases_ = 0;
};

/// One server for every test of a binary, started on first use and stopped at exit.
inline PostgresServer& shared_postgres() {
  static PostgresServer server;
  return server;
}

}  // namespace diskret::test

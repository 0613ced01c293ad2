#include "backup/pg_dump.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "backup/errc.hpp"

extern char** environ;

namespace diskret::backup {
namespace {

namespace fs = std::filesystem;

// libpq's messages end in a newline.
std::string trimmed(std::string why) {
  while (!why.empty() && why.back() == '\n') why.pop_back();
  return why;
}

struct ChildEnvironment {
  std::vector<std::string> variables;
  std::string dbname;  // "" when the URL names none
};

// The child's environment: ours without any PG* variable (a stray PGDATABASE must not
// redirect the dump), plus one PG* variable per option the URL sets.
Expected<ChildEnvironment> child_environment(std::string_view url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(url).c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return fail(Errc::io_error, "[store] url is not a PostgreSQL connection string: " + trimmed(why));
  }
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> guard(options, &PQconninfoFree);
  ChildEnvironment env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "PG", 2) != 0) env.variables.emplace_back(*e);
  }
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || o->envvar == nullptr) continue;
    env.variables.push_back(fmt::format("{}={}", o->envvar, o->val));
    if (std::strcmp(o->keyword, "dbname") == 0) env.dbname = o->val;
  }
  return env;
}

std::string tool(std::string_view name) {
  const std::string dir = postgresql_bin_dir();
  return dir.empty() ? std::string(name) : (fs::path(dir) / name).string();
}

// Runs `argv` with `env`, its stderr into `errors_file`; the first line of it on failure.
Expected<void> run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const fs::path& errors_file) {
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errors_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned = argv.front().find('/') == std::string::npos
                          ? ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data())
                          : ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return fail(Errc::io_error, fmt::format("cannot run {}: {}", argv.front(), std::strerror(spawned)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fail(Errc::io_error, "waitpid failed");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::ifstream in(errors_file);
  std::string first;
  std::getline(in, first);
  return fail(Errc::io_error, fmt::format("{} failed ({}): {}", fs::path(argv.front()).filename().string(),
                                          WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status))
                                                            : std::string("killed"),
                                          first.empty() ? "no message" : first));
}

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Expected<Connection> connect(std::string_view url) {
  Connection conn(PQconnectdb(std::string(url).c_str()), &PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return fail(Errc::io_error, "cannot connect to the database: " +
                                    trimmed(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  return conn;
}

// One query's single value as text ("" for NULL).
Expected<std::string> query_value(PGconn* conn, const char* sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn, sql), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    return fail(Errc::io_error, "query failed: " + trimmed(PQresultErrorMessage(r.get())));
  }
  return std::string(PQgetisnull(r.get(), 0, 0) ? "" : PQgetvalue(r.get(), 0, 0));
}

}  // namespace

Expected<std::int64_t> postgresql_schema_version(std::string_view url) {
  auto conn = connect(url);
  if (!conn) return unexpected(conn.error());
  auto v = query_value(conn->get(), "SELECT max(version) FROM schema_migrations");
  if (!v) return unexpected(v.error());
  return v->empty() ? std::int64_t{0} : std::stoll(*v);
}

Expected<void> ensure_postgresql_unused(std::string_view url) {
  auto conn = connect(url);
  if (!conn) return unexpected(conn.error());
  // A client that has just disconnected stays listed until its backend has exited, which
  // takes a moment on a busy machine: such sessions get a short grace. Background workers
  // (autovacuum) are not nodes and do not count.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  Expected<std::string> n;
  for (;;) {
    n = query_value(conn->get(),
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
    if (!n || *n == "0" || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!n) return unexpected(n.error());
  if (*n != "0") {
    return fail(Errc::in_use, fmt::format("{} other session(s) are connected to the database: stop "
                                          "every diskret node first",
                                          *n));
  }
  return {};
}

std::string postgresql_bin_dir() {
  const char* env = std::getenv("DISKRET_PG_BIN");
  for (const char* dir : {env, "/usr/lib/postgresql/15/bin"}) {
    std::error_code ec;
    if (dir != nullptr && *dir != '\0' && fs::exists(fs::path(dir) / "pg_dump", ec)) return dir;
  }
  return {};
}

Expected<void> dump_postgresql(std::string_view url, const fs::path& out) {
  auto env = child_environment(url);
  if (!env) return unexpected(env.error());
  // pg_dump creates the file with the umask's mode: make it 0600 first.
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::io_error, fmt::format("cannot create {}: {}", out.string(), std::strerror(errno)));
  ::close(fd);
  const fs::path errors = fs::path(out).concat(".err");
  auto ok = run({tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 "--file=" + out.string()},
                env->variables, errors);
  std::error_code ec;
  fs::remove(errors, ec);
  return ok;
}

Expected<void> restore_postgresql(std::string_view url, const fs::path& in) {
  auto env = child_environment(url);
  if (!env) return unexpected(env.error());
  // --dbname is required to restore into a database (rather than print SQL); the rest of
  // the connection comes from the PG* variables.
  if (env->dbname.empty()) return fail(Errc::io_error, "[store] url names no database");
  const fs::path errors = fs::path(in).concat(".err");
  auto ok = run({tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                 "--single-transaction", "--exit-on-error", "--dbname=" + env->dbname, in.string()},
                env->variables, errors);
  std::error_code ec;
  fs::remove(errors, ec);
  return ok;
}

}  // namespace diskret::backup

// `diskret doctor`: checks what an operator gets wrong most often (configuration, key file
// permissions, database integrity and migrations, carrier reachability, clock, TLS files)
// and says in plain words what to fix. Reads only: it never creates, migrates or repairs.
// Exit 0 when nothing failed (warnings allowed), 1 otherwise.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "commands/commands.hpp"
#include "commands/context.hpp"
#include "crypto/master_key.hpp"
#include "store/postgresql/pg_connection.hpp"
#include "store/postgresql/pg_migrations.hpp"
#include "store/postgresql/pg_store.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::app {
namespace {

namespace fs = std::filesystem;
using store::sqlite::OpenMode;
using store::sqlite::SqliteDb;

enum class Verdict { ok, warn, fail };

struct Finding {
  Verdict verdict;
  std::string check;   ///< what was looked at
  std::string detail;  ///< what was found
  std::string fix;     ///< what to do (empty when ok)
};

class Report {
 public:
  void ok(std::string check, std::string detail) {
    findings_.push_back({Verdict::ok, std::move(check), std::move(detail), {}});
  }
  void warn(std::string check, std::string detail, std::string fix) {
    findings_.push_back({Verdict::warn, std::move(check), std::move(detail), std::move(fix)});
  }
  void fail(std::string check, std::string detail, std::string fix) {
    findings_.push_back({Verdict::fail, std::move(check), std::move(detail), std::move(fix)});
  }
  std::size_t failures() const {
    std::size_t n = 0;
    for (const auto& f : findings_) n += f.verdict == Verdict::fail;
    return n;
  }
  const std::vector<Finding>& findings() const { return findings_; }

 private:
  std::vector<Finding> findings_;
};

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::ok:
      return "ok";
    case Verdict::warn:
      return "warn";
    case Verdict::fail:
      return "FAIL";
  }
  return "";
}

std::string mode_text(mode_t mode) { return fmt::format("{:04o}", mode & 07777); }

// A secret file: there, a regular file, ours, and readable by nobody else.
void check_secret_file(Report& report, const std::string& check, const fs::path& path,
                       bool required, const std::string& missing_fix) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (required) {
      report.fail(check, path.string() + " does not exist", missing_fix);
    } else {
      report.warn(check, path.string() + " does not exist", missing_fix);
    }
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    report.fail(check, path.string() + " is not a regular file", "point the setting at the file itself");
    return;
  }
  if ((st.st_mode & 077) != 0) {
    report.fail(check, fmt::format("{} has mode {}: other users can read it", path.string(),
                                   mode_text(st.st_mode)),
                fmt::format("chmod 600 {}", path.string()));
    return;
  }
  if (st.st_uid != ::geteuid()) {
    report.warn(check, fmt::format("{} belongs to uid {}, not to this user ({})", path.string(),
                                   st.st_uid, ::geteuid()),
                "run diskret as the user that owns its data, or chown the file to it");
    return;
  }
  report.ok(check, fmt::format("{} ({})", path.string(), mode_text(st.st_mode)));
}

void check_data_dir(Report& report, const config::Config& config) {
  const fs::path dir = config.server.data_dir;
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    report.fail("data directory", dir.string() + " does not exist",
                "create it (mode 0700, owned by the diskret user) or run `diskret migrate` once");
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    report.fail("data directory", dir.string() + " is not a directory", "set [server] data_dir to a directory");
    return;
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    report.fail("data directory", dir.string() + " is not writable by this user",
                "chown it to the user diskret runs as");
    return;
  }
  if ((st.st_mode & 077) != 0) {
    report.warn("data directory", fmt::format("{} has mode {}", dir.string(), mode_text(st.st_mode)),
                fmt::format("chmod 700 {} (it holds the databases and keys)", dir.string()));
    return;
  }
  report.ok("data directory", fmt::format("{} ({})", dir.string(), mode_text(st.st_mode)));
}

void check_master_key(Report& report, const config::Config& config) {
  const fs::path path = config.keys.master_key_file;
  const auto before = report.failures();
  check_secret_file(report, "master key", path, true,
                    "restore it from your key backup; `diskret serve` creates one only for a new "
                    "installation (data sealed under a lost key cannot be read)");
  if (report.failures() != before) return;
  crypto::MasterKeyFile file(path);
  if (auto key = file.load(); !key) {
    report.fail("master key", path.string() + " cannot be read: " + key.error().message(),
                "restore the key file from your key backup");
  }
}

std::set<int> applied_versions(SqliteDb& db) {
  std::set<int> versions;
  auto stmt = db.prepare("SELECT version FROM schema_migrations");
  if (!stmt) return versions;
  while (true) {
    auto row = stmt->step();
    if (!row || !*row) break;
    versions.insert(static_cast<int>(stmt->int64(0)));
  }
  return versions;
}

// integrity_check reads every page: on a large database this takes a while, which is what
// an operator who runs doctor wants to know about.
void check_database(Report& report, const std::string& name, const fs::path& path,
                    std::span<const store::sqlite::Migration> migrations) {
  const std::string check = name + " database";
  if (!fs::exists(path)) {
    report.fail(check, path.string() + " does not exist",
                "run `diskret migrate` (a new installation) or restore the backup");
    return;
  }
  auto db = SqliteDb::open(path, OpenMode::read_only);
  if (!db) {
    report.fail(check, path.string() + " cannot be opened: " + db.error().message(),
                "check its owner and mode (the diskret user must read and write it)");
    return;
  }
  (void)db->exec("PRAGMA busy_timeout = 5000");
  auto stmt = db->prepare("PRAGMA integrity_check(20)");
  std::vector<std::string> problems;
  if (stmt) {
    while (true) {
      auto row = stmt->step();
      if (!row) {
        problems.push_back(row.error().message());
        break;
      }
      if (!*row) break;
      if (auto line = stmt->text(0); line != "ok") problems.push_back(std::move(line));
    }
  } else {
    problems.push_back(stmt.error().message());
  }
  if (!problems.empty()) {
    report.fail(check, fmt::format("{}: integrity check failed: {}", path.string(), problems.front()),
                "stop diskret and restore the newest backup (`diskret backup restore FILE`)");
    return;
  }
  const auto applied = applied_versions(*db);
  std::size_t pending = 0;
  for (const auto& m : migrations) pending += applied.contains(m.version) ? 0 : 1;
  int known = 0;
  for (const auto& m : migrations) known = std::max(known, m.version);
  const bool newer = !applied.empty() && *applied.rbegin() > known;
  if (newer) {
    report.fail(check, fmt::format("{} has schema version {}, newer than this diskret knows ({})",
                                   path.string(), *applied.rbegin(), known),
                "run the diskret version that wrote it (downgrades are not supported)");
  } else if (pending > 0) {
    report.warn(check, fmt::format("{}: integrity ok, {} migration(s) not applied yet", path.string(), pending),
                "run `diskret migrate` (or restart `diskret serve`, which migrates at start)");
  } else {
    report.ok(check, path.string() + ": integrity ok, schema up to date");
  }
}

// PostgreSQL: reachable, and its schema against this build's migrations (its own checks of
// pages are the server's business: data checksums, amcheck).
void check_pg_database(Report& report, const std::string& name, const std::string& url,
                       std::span<const store::postgresql::Migration> migrations) {
  const std::string check = name + " database";
  auto db = store::postgresql::PgConnection::connect(url);
  if (!db) {
    report.fail(check, "cannot connect: " + db.error().message(),
                "check [store] url, that PostgreSQL runs and that both databases exist");
    return;
  }
  auto rows = db->query("SELECT version FROM schema_migrations ORDER BY version");
  std::set<int> applied;
  if (rows) {
    for (int r = 0; r < rows->rows(); ++r) applied.insert(static_cast<int>(rows->int64(r, 0)));
  }
  std::size_t pending = 0;
  int known = 0;
  for (const auto& m : migrations) {
    pending += applied.contains(m.version) ? 0 : 1;
    known = std::max(known, m.version);
  }
  if (!applied.empty() && *applied.rbegin() > known) {
    report.fail(check, fmt::format("schema version {}, newer than this diskret knows ({})",
                                   *applied.rbegin(), known),
                "run the diskret version that wrote it (downgrades are not supported)");
  } else if (pending > 0) {
    report.warn(check, fmt::format("reachable, {} migration(s) not applied yet", pending),
                "run `diskret migrate` (or start `diskret serve`, which migrates at start)");
  } else {
    report.ok(check, "reachable, schema up to date");
  }
}

// The clock must not run behind what is stored: message ids are time-ordered.
void check_clock(Report& report, const fs::path& main_path) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  constexpr std::int64_t k2024 = 1'704'067'200'000;
  if (now_ms < k2024) {
    report.fail("clock", "the system clock says it is before 2024",
                "set the time and enable NTP (e.g. systemd-timesyncd)");
    return;
  }
  std::int64_t newest = 0;
  if (fs::exists(main_path)) {
    if (auto db = SqliteDb::open(main_path, OpenMode::read_only)) {
      if (auto id = db->query_int("SELECT COALESCE(MAX(id), 0) FROM messages")) {
        newest = static_cast<std::int64_t>(static_cast<std::uint64_t>(*id) >> 16);
      }
    }
  }
  if (newest > now_ms + 1000) {
    report.fail("clock", fmt::format("the clock is {} s behind the newest stored message",
                                     (newest - now_ms) / 1000),
                "fix the system time (NTP) before serving: new messages would sort before old ones");
    return;
  }
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm utc{};
  gmtime_r(&t, &utc);
  report.ok("clock", fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC, not behind the stored messages",
                                 utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                                 utc.tm_min));
}

// TCP only: a test bind would take one of the carrier's session slots.
bool reachable(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
               std::string& why) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    why = std::string("name not resolved: ") + ::gai_strerror(rc);
    return false;
  }
  bool ok = false;
  why = "no address answered";
  for (addrinfo* a = found; a && !ok; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        ok = err == 0;
        if (!ok) why = std::strerror(err);
      } else {
        why = "no answer within " + std::to_string(timeout.count() / 1000) + " s";
      }
    } else {
      why = std::strerror(errno);
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return ok;
}

void check_carriers(Report& report, const config::Config& config) {
  if (config.smsc.empty()) {
    report.warn("carriers", "no [[smsc]] is configured: nothing can be sent",
                "add a [[smsc]] table per carrier connection");
    return;
  }
  for (const auto& c : config.smsc) {
    const std::string check = "carrier " + c.name;
    std::string why;
    if (reachable(c.host, c.port, std::chrono::seconds(3), why)) {
      report.ok(check, fmt::format("{}:{} accepts connections", c.host, c.port));
    } else {
      report.fail(check, fmt::format("{}:{} cannot be reached ({})", c.host, c.port, why),
                  "check host and port in [[smsc]], the carrier's status and the firewall");
    }
  }
}

void check_certificate(Report& report, const std::string& check, const std::string& cert_file,
                       const std::string& key_file) {
  if (cert_file.empty() && key_file.empty()) return;
  if (cert_file.empty() || key_file.empty()) {
    report.fail(check, "only one of the certificate and the key is set", "set both or neither");
    return;
  }
  check_secret_file(report, check + " key", key_file, true, "point the key setting at the PEM private key");
  std::FILE* f = std::fopen(cert_file.c_str(), "r");
  if (!f) {
    report.fail(check, cert_file + " cannot be read", "point the certificate setting at the PEM chain");
    return;
  }
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) {
    report.fail(check, cert_file + " holds no PEM certificate", "use the PEM chain, leaf first");
    return;
  }
  int days = 0, seconds = 0;
  const bool known = ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert)) == 1;
  X509_free(cert);
  if (!known) {
    report.warn(check, cert_file + ": expiry date unreadable", "check the certificate");
  } else if (days < 0 || (days == 0 && seconds <= 0)) {
    report.fail(check, cert_file + " has expired", "renew the certificate and restart diskret");
  } else if (days < 14) {
    report.warn(check, fmt::format("{} expires in {} day(s)", cert_file, days), "renew the certificate soon");
  } else {
    report.ok(check, fmt::format("{} valid for {} more days", cert_file, days));
  }
}

int run_doctor(const CommonOptions& options, bool as_json) {
  Report report;
  config::Config config;
  try {
    config = load_config(options);
    report.ok("configuration", options.config_file.empty() ? "built-in defaults" : options.config_file);
  } catch (const Failure& e) {
    report.fail("configuration", e.what(), "correct the file; docs/configuration.md lists every key");
  }
  if (report.failures() == 0) {
    check_data_dir(report, config);
    check_master_key(report, config);
    if (config.billing.enabled) {
      const std::string secret = config.billing.vault_secret_file.empty()
                                     ? (fs::path(config.server.data_dir) / "vault.secret").string()
                                     : config.billing.vault_secret_file;
      check_secret_file(report, "vault secret", secret, false,
                        "without it top-ups answer 503; copy the secret diskret-vault uses");
    }
    if (config.store.url.starts_with("sqlite:")) {
      auto sqlite = store::sqlite::SqliteOptions::from_url(config.store.url, config.server.data_dir);
      if (!sqlite) {
        report.fail("store", "[store] url: " + sqlite.error().message(), "fix [store] url");
      } else {
        check_database(report, "main", sqlite->main_path, store::sqlite::main_migrations());
        check_database(report, "key store", sqlite->keys_path, store::sqlite::keys_migrations());
        check_clock(report, sqlite->main_path);
      }
    } else if (auto pg = store::postgresql::PgOptions::from_url(config.store.url); pg) {
      check_pg_database(report, "main", pg->url, store::postgresql::main_migrations());
      check_pg_database(report, "key store", pg->keys_url, store::postgresql::keys_migrations());
    } else {
      report.fail("store", "[store] url: " + pg.error().message(),
                  "use [store] url = \"sqlite:...\" or \"postgresql://...\"");
    }
    check_carriers(report, config);
    check_certificate(report, "TLS certificate", config.tls.cert_file, config.tls.key_file);
    if (config.smtp.tls_cert_file != config.tls.cert_file) {
      check_certificate(report, "SMTP certificate", config.smtp.tls_cert_file, config.smtp.tls_key_file);
    }
  }

  if (as_json) {
    boost::json::array checks;
    for (const auto& f : report.findings()) {
      checks.push_back({{"check", f.check}, {"result", f.verdict == Verdict::fail ? "fail" : verdict_name(f.verdict)},
                        {"detail", f.detail}, {"fix", f.fix}});
    }
    std::cout << boost::json::serialize(boost::json::object{{"ok", report.failures() == 0},
                                                            {"checks", std::move(checks)}})
              << "\n";
  } else {
    for (const auto& f : report.findings()) {
      std::cout << fmt::format("{:<5} {:<18} {}\n", verdict_name(f.verdict), f.check, f.detail);
      if (!f.fix.empty()) std::cout << fmt::format("{:<24} -> {}\n", "", f.fix);
    }
  }
  std::cout.flush();
  if (const auto n = report.failures(); n > 0) {
    std::cerr << fmt::format("diskret: doctor found {} problem(s) to fix\n", n);
    return 1;
  }
  return 0;
}

}  // namespace

void add_doctor(CLI::App& app, Action& action) {
  auto options = std::make_shared<CommonOptions>();
  auto as_json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "doctor", "Check configuration, key files, databases, carriers, clock and TLS; say what to fix");
  add_common_options(*cmd, *options);
  cmd->add_flag("--json", *as_json, "One JSON object with every check");
  cmd->callback([&action, options, as_json] {
    action = [options, as_json] { return run_doctor(*options, *as_json); };
  });
}

}  // namespace diskret::app

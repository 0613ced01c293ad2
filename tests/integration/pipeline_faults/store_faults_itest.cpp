// Issue 3, "Proven by tests" - database locked or disk full: new requests get 503
// problem+json at once (not a hang, not a 202), and once the database can write again new
// requests are accepted; everything accepted before and after is delivered, readable and
// intact, and nothing of a refused request reaches the carrier.
//
// The lock is another process's exclusive SQLite transaction on diskret.db (held longer
// than serve's 5 s busy timeout). The full disk is RLIMIT_FSIZE set on the running server
// with prlimit(2): writes that would grow a file past the limit fail (EFBIG), as they would
// on a full file system, without mounting anything; raising the limit "frees space".
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "integration/pipeline_faults/fault_fixture.hpp"

namespace diskret::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kBusyTimeout = 5s;  // SqliteOptions::busy_timeout

/// Another process's write lock on a database: BEGIN EXCLUSIVE until release().
class ExclusiveLock {
 public:
  explicit ExclusiveLock(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) return;
    sqlite3_busy_timeout(db_, 10'000);  // serve's writer may be between BEGIN and COMMIT
    locked_ = sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~ExclusiveLock() {
    release();
    sqlite3_close(db_);
  }
  ExclusiveLock(const ExclusiveLock&) = delete;
  ExclusiveLock& operator=(const ExclusiveLock&) = delete;

  bool locked() const { return locked_; }
  std::string error() const { return db_ ? sqlite3_errmsg(db_) : "cannot open"; }
  void release() {
    if (locked_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    locked_ = false;
  }

 private:
  sqlite3* db_ = nullptr;
  bool locked_ = false;
};

void expect_unavailable(const std::optional<RawResponse>& r) {
  ASSERT_TRUE(r) << "no answer";
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
  EXPECT_FALSE(r->header("Retry-After").empty());
  auto problem = json::parse(r->body);
  EXPECT_EQ(problem.at("status").as_int64(), 503);
  EXPECT_FALSE(problem.at("detail").as_string().empty());
}

/// The size of the largest file in `dir`.
std::uintmax_t largest_file(const std::string& dir) {
  std::uintmax_t largest = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) largest = std::max(largest, e.file_size());
  }
  return largest;
}

/// The soft RLIMIT_FSIZE of a running process (RLIM_INFINITY: none); the hard limit stays,
/// so the limit can be raised again.
bool limit_file_size(pid_t pid, rlim_t bytes) {
  const rlimit limit{bytes, RLIM_INFINITY};
  return ::prlimit(pid, RLIMIT_FSIZE, &limit, nullptr) == 0;
}

class StoreFaultTest : public PipelineFaultTest {
 protected:
  void SetUp() override {
    // A write past RLIMIT_FSIZE raises SIGXFSZ, which would kill the server: ignored here,
    // it stays ignored in the children, whose writes then fail with EFBIG like on a full disk.
    ::signal(SIGXFSZ, SIG_IGN);
    PipelineFaultTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(start_smsc());
    write_config();
    ASSERT_NO_FATAL_FAILURE(create_tenant());
    ASSERT_NO_FATAL_FAILURE(start_server());
  }

  /// Posts recipients [first, first + count) and expects a 202; returns the messages.
  void accept(std::size_t first, std::size_t count) {
    auto r = post_batch(first, count);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 202) << r->body;
    for (auto& a : accepted_of(*r)) accepted_.push_back(std::move(a));
  }

  /// After the fault: every accepted message was delivered, reads back intact, and the
  /// recipients of refused requests never reached the carrier.
  void expect_nothing_lost(const std::vector<std::size_t>& refused) {
    ASSERT_TRUE(eventually([&] { return missing(accepted_, acked_by_destination()).empty(); }, 30s))
        << missing(accepted_, acked_by_destination()).size() << " missing\n"
        << server_->err();
    const auto counts = wait_all_delivered(accepted_.size(), 20s);
    EXPECT_EQ(counts.count("delivered") ? counts.at("delivered") : 0, accepted_.size());
    EXPECT_EQ(counts.size(), 1u);  // nothing else: no accepted, failed or extra messages
    const auto acked = acked_by_destination();
    for (std::size_t i : refused) EXPECT_FALSE(acked.contains(recipient(i).substr(1))) << i;
    for (std::size_t i = 0; i < accepted_.size(); i += std::max<std::size_t>(1, accepted_.size() / 200)) {
      auto m = message(accepted_[i].id);
      ASSERT_TRUE(m.is_object()) << accepted_[i].id;
      EXPECT_EQ(m.at("to").as_string(), accepted_[i].to);
      EXPECT_EQ(m.at("status").as_string(), "delivered");
    }
  }

  std::vector<Accepted> accepted_;
};

TEST_F(StoreFaultTest, DatabaseLockedAnswers503PromptlyAndLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(accept(0, 500));
  ExclusiveLock lock(dir_ + "/var/diskret.db");
  ASSERT_TRUE(lock.locked()) << lock.error();

  // The first request finds out: it waits for the busy timeout, then gets a 503.
  auto t0 = Clock::now();
  auto first = post_batch(1'000, 100);
  const auto first_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  ASSERT_NO_FATAL_FAILURE(expect_unavailable(first));
  EXPECT_LE(first_ms, kBusyTimeout + 2s);
  // The server knows now: the next requests are refused at once, not after another wait.
  std::vector<std::size_t> refused;
  for (std::size_t i = 0; i < 100; ++i) refused.push_back(1'000 + i);
  std::chrono::milliseconds slowest{0};
  for (int n = 0; n < 5; ++n) {
    t0 = Clock::now();
    auto again = post_batch(2'000 + 10 * n, 10);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    ASSERT_NO_FATAL_FAILURE(expect_unavailable(again));
    EXPECT_LE(ms, 1s) << "request " << n;
    slowest = std::max(slowest, ms);
    for (int i = 0; i < 10; ++i) refused.push_back(2'000 + 10 * n + i);
    std::this_thread::sleep_for(300ms);
  }
  // Reads go on: what was accepted before the lock is there.
  auto before = message(accepted_.front().id);
  ASSERT_TRUE(before.is_object());
  EXPECT_EQ(before.at("to").as_string(), accepted_.front().to);
  lock.release();
  const auto released = Clock::now();

  // Accepted again soon after the lock is gone.
  std::optional<RawResponse> after;
  ASSERT_TRUE(eventually(
      [&] {
        after = post_batch(3'000, 500);
        if (after && after->status == 503) return false;
        return true;
      },
      kBusyTimeout + 5s));
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 202) << after->body;
  for (auto& a : accepted_of(*after)) accepted_.push_back(std::move(a));
  std::cout << "locked: first 503 after " << first_ms.count() << " ms, next ones within "
            << slowest.count() << " ms; 202 again "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - released).count()
            << " ms after the release\n";
  ASSERT_NO_FATAL_FAILURE(expect_nothing_lost(refused));
  EXPECT_EQ(server_->stop(SIGTERM, 20s), 0) << server_->err();
}

TEST_F(StoreFaultTest, DiskFullAnswers503AndLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(accept(0, 500));
  ASSERT_EQ(wait_all_delivered(accepted_.size(), 20s)["delivered"], accepted_.size());

  // No file of the server may grow past the largest one now plus 1 MiB: some requests still
  // fit, then the WAL or the database cannot grow and commits fail.
  const auto limit = largest_file(dir_ + "/var") + (1u << 20);
  ASSERT_TRUE(limit_file_size(server_->pid(), limit)) << std::strerror(errno);
  std::vector<std::size_t> refused;
  std::optional<RawResponse> full;
  std::size_t next = 10'000;
  for (int n = 0; n < 100 && !full; ++n, next += 1'000) {
    auto r = post_batch(next, 100);
    ASSERT_TRUE(r) << "no answer\n" << server_->err();
    if (r->status == 503) {
      full = r;
      for (std::size_t i = next; i < next + 100; ++i) refused.push_back(i);
    } else {
      ASSERT_EQ(r->status, 202) << r->body;
      for (auto& a : accepted_of(*r)) accepted_.push_back(std::move(a));
    }
  }
  ASSERT_TRUE(full) << "the disk never filled up (limit " << limit << " bytes)";
  ASSERT_NO_FATAL_FAILURE(expect_unavailable(full));
  const std::string log = server_->err();
  const auto failed = log.find("pipeline: commit failed");
  ASSERT_NE(failed, std::string::npos) << log;
  std::cout << log.substr(failed, log.find('\n', failed) - failed) << "\n";
  const std::size_t accepted_while_filling = accepted_.size() - 500;
  // Still full: refused again, at once. A smaller request may still fit the last bytes the
  // bigger one did not (the first retry after a failure runs at once, so that one request
  // too big does not lock out the next): it is accepted, and a later one is refused.
  std::optional<RawResponse> again;
  std::chrono::milliseconds again_ms{0};
  for (int n = 0; n < 20; ++n, next += 1'000) {
    const auto t0 = Clock::now();
    again = post_batch(next, 10);
    again_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    ASSERT_TRUE(again) << "no answer\n" << server_->err();
    if (again->status == 503) break;
    ASSERT_EQ(again->status, 202) << again->body;
    for (auto& a : accepted_of(*again)) accepted_.push_back(std::move(a));
  }
  ASSERT_NO_FATAL_FAILURE(expect_unavailable(again));
  EXPECT_LE(again_ms, 1s);
  for (std::size_t i = next; i < next + 10; ++i) refused.push_back(i);
  next += 1'000;
  auto before = message(accepted_.back().id);
  ASSERT_TRUE(before.is_object());
  EXPECT_EQ(before.at("to").as_string(), accepted_.back().to);

  // Space again: accepted again.
  ASSERT_TRUE(limit_file_size(server_->pid(), RLIM_INFINITY));
  std::optional<RawResponse> after;
  ASSERT_TRUE(eventually(
      [&] {
        after = post_batch(next, 500);
        return !(after && after->status == 503);
      },
      10s));
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 202) << after->body;
  for (auto& a : accepted_of(*after)) accepted_.push_back(std::move(a));
  std::cout << "disk full: limit " << limit << " bytes, " << accepted_while_filling
            << " more accepted before the first 503, the next 503 in " << again_ms.count()
            << " ms\n";
  ASSERT_NO_FATAL_FAILURE(expect_nothing_lost(refused));
  EXPECT_EQ(server_->stop(SIGTERM, 20s), 0) << server_->err();
}

}  // namespace
}  // namespace diskret::test

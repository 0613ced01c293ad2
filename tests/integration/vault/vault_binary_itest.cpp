// The diskret-vault program itself: serve with a temporary config, a signed call from the
// platform's client, the directory lock against `keys rotate` while serving, a clean stop
// on SIGTERM, then `keys rotate`, `audit verify` and the exit codes of usage errors.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "crypto/master_key.hpp"
#include "crypto/secret.hpp"
#include "vault_client/vault_client.hpp"

namespace diskret::vault_client {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kBinary = std::string(DISKRET_BIN_DIR) + "/diskret-vault";

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string drain(int fd) {
  std::string s;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) s.append(buf, static_cast<std::size_t>(n));
  return s;
}

// Runs the binary to completion.
Run run(const std::vector<std::string>& args) {
  int out[2], err[2];
  EXPECT_EQ(::pipe(out), 0);
  EXPECT_EQ(::pipe(err), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    std::vector<char*> argv{const_cast<char*>(kBinary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kBinary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  Run r;
  r.out = drain(out[0]);
  r.err = drain(err[0]);
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class VaultBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("diskret-vault-bin-" + crypto::random_token(6));
    fs::create_directories(root_);
    config_ = (root_ / "vault.toml").string();
    std::ofstream(config_) << "[server]\ndata_dir = \"" << (root_ / "data").string()
                           << "\"\nhttp_listen = \"127.0.0.1:0\"\n"
                           << "[vault]\nportal_origin = \"https://portal.example\"\n";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // Starts `serve` and returns the port from its startup line.
  int start() {
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::execl(kBinary.c_str(), kBinary.c_str(), "serve", "--config", config_.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    pollfd p{out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && ::poll(&p, 1, 10'000) > 0) {
      char buf[256];
      ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    std::smatch m;
    if (!std::regex_search(line, m, std::regex("serving on port ([0-9]+)"))) {
      ADD_FAILURE() << "no startup line: " << line;
      return 0;
    }
    return std::stoi(m[1].str());
  }

  int stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path root_;
  std::string config_;
  pid_t pid_ = -1;
};

TEST_F(VaultBinary, ServesSignedCallsAndStopsCleanly) {
  const int port = start();
  ASSERT_GT(port, 0);
  auto secret = crypto::MasterKeyFile(root_ / "data" / "vault.secret").load();
  ASSERT_TRUE(secret);
  EXPECT_EQ(fs::status(root_ / "data" / "vault.secret").permissions() & fs::perms::group_all,
            fs::perms::none);
  auto client = VaultClient::create({"http://127.0.0.1:" + std::to_string(port), 5000ms}, *secret);
  ASSERT_TRUE(client);
  auto cards = client->list_cards("tenant-1");
  ASSERT_TRUE(cards) << cards.error().message();
  EXPECT_TRUE(cards->empty());

  auto busy = run({"keys", "rotate", "--config", config_});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.err.find("in use by another diskret-vault process"), std::string::npos) << busy.err;
  EXPECT_EQ(std::count(busy.err.begin(), busy.err.end(), '\n'), 1);

  EXPECT_EQ(stop(), 0);
  auto rotated = run({"keys", "rotate", "--config", config_});
  EXPECT_EQ(rotated.exit_code, 0) << rotated.err;
  auto verified = run({"audit", "verify", "--config", config_});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("audit log verified, 1 entries"), std::string::npos) << verified.out;
}

TEST_F(VaultBinary, ExitCodesForUsageAndConfigErrors) {
  EXPECT_EQ(run({"--help"}).exit_code, 0);
  EXPECT_EQ(run({"serve", "--help"}).exit_code, 0);
  EXPECT_EQ(run({}).exit_code, 2);
  EXPECT_EQ(run({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run({"serve", "--bogus"}).exit_code, 2);
  std::ofstream(config_, std::ios::trunc) << "[vault]\nportal_origin = \"*\"\n";
  auto bad = run({"serve", "--config", config_});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err.rfind("diskret-vault: vault.toml: [vault].portal_origin: ", 0), 0u) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
}

}  // namespace
}  // namespace diskret::vault_client

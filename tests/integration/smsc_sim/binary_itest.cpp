// The built diskret-smsc binary: startup line, flags, SIGTERM flushes the log and exits 0.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "smpp_test_client.hpp"

namespace diskret::smsc_sim::test {
namespace {

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;  // the child's stdout
};

Child spawn(std::vector<std::string> args) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  return {pid, ::fdopen(pipe_fds[0], "r")};
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const std::string kBinary = std::string(DISKRET_BIN_DIR) + "/diskret-smsc";

TEST(DiskretSmscBinary, ServesSubmitsAndFlushesLogOnSigterm) {
  const auto log = std::filesystem::temp_directory_path() /
                   ("diskret_smsc_bin_" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(log);
  Child child = spawn({kBinary, "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0",
                       "--system-id", "acme", "--password", "secret", "--log", log.string(),
                       "--dlr-delay-ms", "10", "--dlr-fail-ratio", "0", "--throttle-ratio", "0"});
  ASSERT_GT(child.pid, 0);
  char line[512] = {};
  ASSERT_TRUE(std::fgets(line, sizeof(line), child.out)) << "no startup line";
  std::smatch m;
  const std::string startup = line;
  ASSERT_TRUE(std::regex_search(startup, m, std::regex(R"(127\.0\.0\.1:(\d+).*127\.0\.0\.1:(\d+))")))
      << startup;
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  const auto control = static_cast<std::uint16_t>(std::stoi(m[2]));

  {
    SmppTestClient c(port);
    ASSERT_TRUE(c.connected());
    ASSERT_EQ(c.bind(smpp::CommandId::bind_transceiver, "acme", "secret"), 0u);
    auto resp = c.call(make_submit("4915112345678", "hi", 1));
    ASSERT_TRUE(resp);
    EXPECT_EQ(resp->command_status, 0u);
    EXPECT_TRUE(c.next_deliver());
  }
  EXPECT_EQ(http_request(control, "GET", "/stats").status, 200);

  ::kill(child.pid, SIGTERM);
  EXPECT_EQ(wait_exit(child.pid), 0);
  // Nothing but the startup line on stdout.
  EXPECT_EQ(std::fgets(line, sizeof(line), child.out), nullptr);
  std::fclose(child.out);

  std::ifstream in(log);
  std::string entry;
  int lines = 0;
  while (std::getline(in, entry)) {
    ++lines;
    EXPECT_NE(entry.find("\"destination_addr\":\"4915112345678\""), std::string::npos);
  }
  EXPECT_EQ(lines, 1);
  std::filesystem::remove(log);
}

TEST(DiskretSmscBinary, UsageErrorExitsTwo) {
  Child child = spawn({kBinary, "--no-such-flag"});
  ASSERT_GT(child.pid, 0);
  EXPECT_EQ(wait_exit(child.pid), 2);
  std::fclose(child.out);
  child = spawn({kBinary, "--listen", "nonsense"});
  EXPECT_EQ(wait_exit(child.pid), 2);
  std::fclose(child.out);
}

TEST(DiskretSmscBinary, BusyPortExitsOneWithSentence) {
  // Take a port by starting one simulator, then start a second on the same port.
  Child first = spawn({kBinary, "--listen", "127.0.0.1:0", "--control", "off"});
  char line[512] = {};
  ASSERT_TRUE(std::fgets(line, sizeof(line), first.out));
  std::smatch m;
  const std::string startup = line;
  ASSERT_TRUE(std::regex_search(startup, m, std::regex(R"(127\.0\.0\.1:(\d+))")));
  Child second = spawn({kBinary, "--listen", "127.0.0.1:" + std::string(m[1]), "--control", "off"});
  EXPECT_EQ(wait_exit(second.pid), 1);
  std::fclose(second.out);
  ::kill(first.pid, SIGTERM);
  EXPECT_EQ(wait_exit(first.pid), 0);
  std::fclose(first.out);
}

}  // namespace
}  // namespace diskret::smsc_sim::test

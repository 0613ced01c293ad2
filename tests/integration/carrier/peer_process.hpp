#pragma once
// Test support: a simulator child process on free loopback ports, its HTTP control
// endpoint and its JSONL submit log. Plain POSIX (no Asio) so that it compiles fast.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace diskret::carrier::test {

/// A port that was free a moment ago (bound to 127.0.0.1:0, then closed).
std::uint16_t free_port();

/// Whether something accepts TCP connections on 127.0.0.1:port within `timeout`.
bool wait_listening(std::uint16_t port, std::chrono::milliseconds timeout);

struct HttpReply {
  int status = 0;  // 0: no answer
  std::string body;
};
/// One HTTP/1.1 request to 127.0.0.1:port (Connection: close), bounded by a 5 s timeout.
HttpReply http(std::uint16_t port, const std::string& method, const std::string& target,
               const std::string& body = {}, const std::string& content_type = {});
std::string url_encode(const std::string& s);

/// A child process with stdout and stderr appended to `output`; killed (SIGTERM, then
/// SIGKILL) when destroyed, and killed by the kernel if the test process dies.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& output);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool running();
  /// SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status (or -1).
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds{3000});
  pid_t pid() const noexcept { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

/// A fresh temporary directory, removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace diskret::carrier::test

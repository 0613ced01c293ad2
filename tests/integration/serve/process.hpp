#pragma once
// Child processes for end-to-end tests: run a program to completion, or start one in the
// background with its output in files and stop it with a signal.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace diskret::test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// fork + exec with stdout/stderr to files; the environment is inherited plus `env`.
inline pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path,
                   const std::string& err_path, const std::vector<std::string>& env = {}) {
  // Everything is prepared before fork(): the child of a threaded process may only make
  // async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  return pid;
}

/// Waits for the child; nullopt if it is still running after `timeout`.
inline std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs a program to completion (killed after 30 s).
inline RunResult run(const std::vector<std::string>& argv, const std::string& scratch,
                     const std::vector<std::string>& env = {}) {
  std::string out = scratch + "/run.out", err = scratch + "/run.err";
  pid_t pid = spawn(argv, out, err, env);
  auto code = wait_exit(pid, std::chrono::seconds(30));
  if (!code) {
    ::kill(pid, SIGKILL);
    code = wait_exit(pid, std::chrono::seconds(5));
  }
  return RunResult{code.value_or(-1), read_file(out), read_file(err)};
}

/// A background process, SIGKILLed on destruction if still running.
class Background {
 public:
  Background(const std::vector<std::string>& argv, std::string out_path, std::string err_path)
      : out_(std::move(out_path)), err_(std::move(err_path)) {
    pid_ = spawn(argv, out_, err_);
  }
  ~Background() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      wait_exit(pid_, std::chrono::seconds(5));
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }

  /// Polls `file` (stdout or stderr) until it contains `marker`; returns the text after it
  /// up to the end of that line.
  std::optional<std::string> wait_for(bool in_stderr, const std::string& marker,
                                      std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string text = in_stderr ? err() : out();
      if (auto p = text.find(marker); p != std::string::npos) {
        auto start = p + marker.size();
        auto end = text.find('\n', start);
        if (end != std::string::npos) return text.substr(start, end - start);
      }
      if ((exit_code_ = wait_exit(pid_, std::chrono::milliseconds(0)))) {
        exited_ = true;
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  /// Sends `signal` and waits for the exit code.
  std::optional<int> stop(int signal, std::chrono::milliseconds timeout) {
    if (exited_) return exit_code_;
    ::kill(pid_, signal);
    auto code = wait_exit(pid_, timeout);
    if (code) exited_ = true;
    return code;
  }

 private:
  std::string out_, err_;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::optional<int> exit_code_;
};

}  // namespace diskret::test

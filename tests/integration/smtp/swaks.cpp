#include "integration/smtp/swaks.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

namespace diskret::smtp::test {

bool SwaksRun::replied(const std::string& prefix) const { return count(prefix) > 0; }

std::size_t SwaksRun::count(const std::string& prefix) const {
  std::size_t n = 0;
  for (const auto& r : replies) n += r.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

SwaksRun swaks(unsigned port, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"swaks",      "--server", "127.0.0.1:" + std::to_string(port),
                                "--timeout",  "10",       "--helo",
                                "client.test"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);

  SwaksRun run;
  int fds[2];
  if (pipe(fds) != 0) return run;
  pid_t pid = fork();
  if (pid == 0) {
    setenv("POSIXLY_CORRECT", "1", 1);  // else Getopt::Long reads "+49..." as an option
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execvp("swaks", c_argv.data());
    _exit(127);  // swaks is not installed
  }
  close(fds[1]);
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0)
    run.transcript.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

  std::istringstream lines(run.transcript);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // "<-  250 OK", "<** 550 ...", and inside TLS "<~  250 OK", "<~* 550 ...".
    if (line.size() > 4 && line[0] == '<' && (line[1] == '-' || line[1] == '*' || line[1] == '~')) {
      run.replies.push_back(line.substr(4));
    }
  }
  return run;
}

}  // namespace diskret::smtp::test

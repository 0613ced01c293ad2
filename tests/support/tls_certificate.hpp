#pragma once
// TLS helpers for integration tests: a self-signed certificate made by the openssl CLI in
// a temporary directory (removed at the end), and `openssl s_client` as a third-party
// client that reports the negotiated protocol.
#include <sys/wait.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace diskret::test {

class SelfSignedCertificate {
 public:
  /// A P-256 certificate for `common_name`, valid for localhost and 127.0.0.1 too.
  explicit SelfSignedCertificate(const std::string& common_name = "localhost") {
    char pattern[] = "/tmp/diskret-tls-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return;
    dir_ = pattern;
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " +
        key() + " -out " + cert() + " -days 1 -subj /CN=" + common_name +
        " -addext subjectAltName=DNS:" + common_name + ",DNS:localhost,IP:127.0.0.1 2>/dev/null";
    ok_ = std::system(command.c_str()) == 0;
  }
  ~SelfSignedCertificate() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  SelfSignedCertificate(const SelfSignedCertificate&) = delete;
  SelfSignedCertificate& operator=(const SelfSignedCertificate&) = delete;

  bool ok() const { return ok_; }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
  bool ok_ = false;
};

struct CommandResult {
  int status = -1;     ///< exit status (non-zero also when the command could not run)
  std::string output;  ///< stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// `openssl s_client` against 127.0.0.1:`port` with `options` (e.g. "-tls1_2"); it sends
/// nothing and ends at once after the handshake. "-brief" prints "Protocol version: ...".
inline CommandResult s_client(std::uint16_t port, const std::string& options) {
  return run_command("timeout 10 openssl s_client -brief -connect 127.0.0.1:" +
                     std::to_string(port) + " " + options + " </dev/null");
}

}  // namespace diskret::test

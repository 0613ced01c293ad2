#pragma once
// Runs the real `swaks` SMTP client (Debian package swaks) and parses its transcript:
// lines "<-  250 ..." / "<** 550 ..." are server replies, " -> ..." client lines.
#include <string>
#include <vector>

namespace diskret::smtp::test {

struct SwaksRun {
  int exit_code = -1;
  std::string transcript;            ///< stdout + stderr
  std::vector<std::string> replies;  ///< server reply lines, in order, without the arrow

  /// True when some reply line starts with `prefix` ("550 5.1.1").
  bool replied(const std::string& prefix) const;
  /// How many reply lines start with `prefix`.
  std::size_t count(const std::string& prefix) const;
};

/// swaks --server 127.0.0.1:<port> --timeout 10 <args...>
SwaksRun swaks(unsigned port, const std::vector<std::string>& args);

}  // namespace diskret::smtp::test

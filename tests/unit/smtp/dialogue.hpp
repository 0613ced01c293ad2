#pragma once
// Scripted SMTP dialogues for SmtpSession tests.
//
//   S: 220 ...        a reply line the session must write (in this order)
//   C: EHLO x         a client line (CRLF appended); consecutive C: lines are sent in ONE
//                     feed, the way a PIPELINING client sends a group
//
// The replies after each group of client lines are compared as one block, so an extra,
// missing or reordered reply fails. Deliveries are recorded and answered with `result`.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "smtp/smtp_session.hpp"

namespace diskret::smtp::test {

struct Driver {
  SmtpSession& session;
  std::vector<Envelope> delivered;
  Expected<void> result;  ///< what on_delivered() reports
  int tls_handshakes = 0;
  bool closed = false;

  explicit Driver(SmtpSession& s) : session(s) {}

  /// Performs the actions of `out` like a server would; the replies of all steps.
  std::string drive(Output out) {
    std::string replies;
    for (;;) {
      replies += out.replies;
      if (out.close) closed = true;
      if (out.deliver) {
        delivered.push_back(std::move(*out.deliver));
        out = session.on_delivered(result);
        continue;
      }
      if (out.start_tls) {
        ++tls_handshakes;
        out = session.on_tls_started();
        continue;
      }
      return replies;
    }
  }

  std::string send(std::string_view bytes) { return drive(session.feed(bytes)); }

  /// Runs a script (see above); the first S: lines before any C: line are the greeting.
  void run(std::string_view script) {
    std::istringstream lines{std::string(script)};
    std::string line, input, expected;
    bool greeted = false;
    auto flush = [&] {
      std::string actual = greeted ? send(input) : drive(session.greet());
      greeted = true;
      EXPECT_EQ(actual, expected) << "after client input:\n" << input;
      input.clear();
      expected.clear();
    };
    bool last_was_reply = false;
    while (std::getline(lines, line)) {
      auto start = line.find_first_not_of(' ');
      if (start == std::string::npos) continue;
      line = line.substr(start);
      if (line == "C:" || line == "S:") line += ' ';  // an empty line
      if (line.rfind("C: ", 0) == 0) {
        if (last_was_reply || !greeted) flush();
        input += line.substr(3) + "\r\n";
        last_was_reply = false;
      } else if (line.rfind("S: ", 0) == 0) {
        expected += line.substr(3) + "\r\n";
        last_was_reply = true;
      } else {
        ADD_FAILURE() << "bad script line: " << line;
      }
    }
    if (!input.empty() || !expected.empty()) flush();
  }
};

}  // namespace diskret::smtp::test

// RelayClient against an in-test SMTP sink on a loopback port: the envelope, the
// dot-stuffed data, and refusals reported with the relay's reply.
#include "smtp/relay_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "smtp/bounce.hpp"

namespace diskret::smtp {
namespace {

/// Accepts one connection and answers like a relay; `refuse_rcpt` answers RCPT with 550.
class SmtpSink {
 public:
  explicit SmtpSink(bool refuse_rcpt = false) : refuse_rcpt_(refuse_rcpt) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 1);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SmtpSink() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return port_; }
  /// Everything the client sent, once the connection ended.
  std::string transcript() {
    if (thread_.joinable()) thread_.join();
    return transcript_;
  }

 private:
  void serve() {
    const int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) return;
    timeval tv{5, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    say(c, "220 sink ESMTP\r\n");
    std::string pending;
    bool in_data = false;
    char buf[4096];
    for (;;) {
      const auto n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      transcript_.append(buf, static_cast<std::size_t>(n));
      pending.append(buf, static_cast<std::size_t>(n));
      std::size_t eol;
      while ((eol = pending.find("\r\n")) != std::string::npos) {
        const std::string line = pending.substr(0, eol);
        pending.erase(0, eol + 2);
        if (in_data) {
          if (line == ".") {
            in_data = false;
            say(c, "250 2.0.0 queued\r\n");
          }
          continue;
        }
        if (line.rfind("EHLO", 0) == 0) say(c, "250-sink\r\n250 8BITMIME\r\n");
        else if (line.rfind("MAIL", 0) == 0) say(c, "250 2.1.0 ok\r\n");
        else if (line.rfind("RCPT", 0) == 0) say(c, refuse_rcpt_ ? "550 5.1.1 no such user\r\n" : "250 2.1.5 ok\r\n");
        else if (line == "DATA") {
          in_data = true;
          say(c, "354 go ahead\r\n");
        } else if (line == "QUIT") {
          say(c, "221 bye\r\n");
          ::close(c);
          return;
        }
      }
    }
    ::close(c);
  }
  static void say(int c, const std::string& s) { (void)::send(c, s.data(), s.size(), MSG_NOSIGNAL); }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  bool refuse_rcpt_;
  std::thread thread_;
  std::string transcript_;
};

RelayConfig relay(std::uint16_t port) {
  RelayConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.helo = "sms.example.com";
  c.timeout = std::chrono::seconds{5};
  return c;
}

TEST(RelayClient, SendsABounceWithTheNullReversePath) {
  SmtpSink sink;
  Bounce b;
  b.reporting_host = "sms.example.com";
  b.from = "MAILER-DAEMON@sms.example.com";
  b.to = "praxis@example.org";
  b.masked_number = "+49151*****678";
  b.sms_domain = "sms.example.com";
  b.message_id = "msg_1";
  b.outcome = "failed";
  b.reason = "The phone could not be reached.";
  b.date = rfc5322_date(0);
  b.boundary = "=_b";
  auto sent = RelayClient(relay(sink.port())).send("", "praxis@example.org", compose_bounce(b));
  ASSERT_TRUE(sent) << sent.error().message();
  const std::string t = sink.transcript();
  EXPECT_NE(t.find("EHLO sms.example.com\r\n"), std::string::npos) << t;
  EXPECT_NE(t.find("MAIL FROM:<>\r\n"), std::string::npos) << t;
  EXPECT_NE(t.find("RCPT TO:<praxis@example.org>\r\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Content-Type: message/delivery-status"), std::string::npos) << t;
  EXPECT_NE(t.find("\r\n.\r\nQUIT\r\n"), std::string::npos) << t;
}

TEST(RelayClient, ReportsARefusalWithTheRelaysReply) {
  SmtpSink sink(/*refuse_rcpt=*/true);
  auto sent = RelayClient(relay(sink.port())).send("", "nobody@example.org", "Subject: x\r\n\r\nx\r\n");
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message().find("RCPT TO: 550 5.1.1 no such user"), std::string::npos)
      << sent.error().message();
  EXPECT_EQ(sink.transcript().find("DATA"), std::string::npos);
}

TEST(RelayClient, RefusesEnvelopeInjectionAndAMissingRelay) {
  EXPECT_FALSE(RelayClient(relay(1)).send("", "a@b.c>\r\nRCPT TO:<x@y.z", "x"));
  EXPECT_FALSE(RelayClient(RelayConfig{}).send("", "a@b.c", "x"));
}

TEST(RelayClient, DotStuffsLinesThatStartWithADot) {
  EXPECT_EQ(dot_stuff(".hidden\r\nok\r\n..two\n"), "..hidden\r\nok\r\n...two\r\n.\r\n");
  EXPECT_EQ(dot_stuff("no end"), "no end\r\n.\r\n");
}

}  // namespace
}  // namespace diskret::smtp

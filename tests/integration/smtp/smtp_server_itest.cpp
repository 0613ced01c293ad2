// SmtpServer on a free loopback port with a fake backend, driven by the real `swaks`.
// Each test checks both sides: the reply codes swaks saw and what the backend received.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "integration/smtp/swaks.hpp"
#include "smtp/smtp_server.hpp"
#include "support/tls_certificate.hpp"
#include "unit/smtp/fake_backend.hpp"

namespace diskret::smtp {
namespace {

using test::FakeBackend;
using test::swaks;
using test::SwaksRun;

std::string golden_path(const std::string& name) {
  return std::string(DISKRET_SOURCE_DIR) + "/tests/golden/smtp/" + name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

SmtpServerConfig test_config() {
  SmtpServerConfig c;
  c.listen = "127.0.0.1:0";
  c.session.hostname = "mx.test";
  c.session.sms_domain = "sms.localhost";
  c.session.max_message_bytes = 64 * 1024;
  c.command_timeout = std::chrono::seconds(10);
  return c;
}

const std::vector<std::string> kAuth = {"--auth",   "PLAIN",           "--auth-user",
                                        "tn_alpha", "--auth-password", "key-alpha"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// A blocking loopback client for the tests swaks cannot express (timeouts, limits).
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& s) {
    ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size()));
  }
  /// Reads until `count` complete lines arrived or the peer closed / 10 s passed.
  std::string lines(int count) {
    std::string out;
    char buffer[1024];
    while (std::count(out.begin(), out.end(), '\n') < count) {
      ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  bool nothing_pending() {
    char c;
    return recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK) < 0 &&
           (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  bool closed_by_peer() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class SmtpServerTest : public ::testing::Test {
 protected:
  void start(SmtpServerConfig config = test_config()) {
    server_ = std::make_unique<SmtpServer>(std::move(config), backend_);
    auto started = server_->start();
    ASSERT_TRUE(started) << started.error().message();
    port_ = server_->port();
  }
  void SetUp() override { start(); }
  void TearDown() override {
    if (server_) server_->stop();
  }

  SwaksRun send(const std::vector<std::string>& args) { return swaks(port_, args); }

  FakeBackend backend_;
  std::unique_ptr<SmtpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(SmtpServerTest, DeliversAPlainMailFromAnAuthenticatedTenant) {
  auto run = send(with(
      {"--to=015112345678@sms.localhost", "--from", "a@b.de", "--body", "Your table is ready."},
      kAuth));
  EXPECT_EQ(run.exit_code, 0) << run.transcript;
  EXPECT_TRUE(run.replied("250-PIPELINING"));
  EXPECT_TRUE(run.replied("235 2.7.0"));
  EXPECT_TRUE(run.replied("250 2.0.0 Message accepted: 1 SMS queued")) << run.transcript;
  auto got = backend_.submissions();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].tenant.id, "tn_alpha");
  EXPECT_EQ(got[0].sender_address, "a@b.de");
  EXPECT_EQ(got[0].recipients, std::vector<std::string>{"015112345678"});
  EXPECT_EQ(got[0].text, "Your table is ready.");
}

TEST_F(SmtpServerTest, ConvertsAnHtmlOnlyMail) {
  auto run = send(with({"--to=+4915112345678@sms.localhost", "--from", "a@b.de", "--data",
                        "@" + golden_path("html_only.eml")},
                       kAuth));
  EXPECT_EQ(run.exit_code, 0) << run.transcript;
  auto got = backend_.submissions();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, read_file(golden_path("html_only.txt")));
}

TEST_F(SmtpServerTest, DecodesBase64Utf8WithUmlautsAndEmoji) {
  auto run = send(with({"--to=+4915112345678@sms.localhost", "--from", "a@b.de", "--data",
                        "@" + golden_path("base64_utf8_emoji.eml"), "--auth", "LOGIN"},
                       {"--auth-user", "tn_alpha", "--auth-password", "key-alpha"}));
  EXPECT_EQ(run.exit_code, 0) << run.transcript;
  EXPECT_TRUE(run.replied("334 VXNlcm5hbWU6"));
  auto got = backend_.submissions();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(
      got[0].text,
      "Grüße aus Köln! Öffnungszeiten: Mo–Fr. Straße ß ÄÖÜ 🎉👍🏽\nZweite Zeile.");
}

TEST_F(SmtpServerTest, RefusesOnlyTheInvalidRecipientOfSeveral) {
  auto run = send(with({"--to="
                        "+4915112345678@sms.localhost,+999123@sms.localhost,someone@example.com,"
                        "0151-1234 5679@SMS.localhost",
                        "--from", "a@b.de", "--body", "Meeting moved to 3 pm", "--pipeline"},
                       kAuth));
  EXPECT_EQ(run.exit_code, 0) << run.transcript;
  EXPECT_TRUE(run.replied("550 5.1.1 Invalid recipient: invalid country code")) << run.transcript;
  EXPECT_TRUE(run.replied("550 5.1.2 Relaying refused")) << run.transcript;
  EXPECT_EQ(run.count("250 2.1.5"), 2u) << run.transcript;
  EXPECT_TRUE(run.replied("250 2.0.0 Message accepted: 2 SMS queued")) << run.transcript;
  auto got = backend_.submissions();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].recipients, (std::vector<std::string>{"+4915112345678", "015112345679"}));
  EXPECT_EQ(got[0].text, "Meeting moved to 3 pm");
}

TEST_F(SmtpServerTest, RefusesBadCredentials) {
  auto run = send({"--to=015112345678@sms.localhost", "--from", "a@b.de", "--auth", "PLAIN",
                   "--auth-user", "tn_alpha", "--auth-password", "wrong-key"});
  EXPECT_EQ(run.exit_code, 28) << run.transcript;
  EXPECT_TRUE(run.replied("535 5.7.8 Authentication credentials invalid")) << run.transcript;
  EXPECT_TRUE(backend_.submissions().empty());
}

TEST_F(SmtpServerTest, RequiresAuthentication) {
  auto run = send({"--to=015112345678@sms.localhost", "--from", "a@b.de"});
  EXPECT_EQ(run.exit_code, 23) << run.transcript;
  EXPECT_TRUE(run.replied("530 5.7.0 Authentication required")) << run.transcript;
  EXPECT_TRUE(backend_.submissions().empty());
}

TEST_F(SmtpServerTest, AcceptsARegisteredSenderAddressWithoutAuth) {
  backend_.register_sender("alerts@firm.example", "tn_alpha");
  auto run = send(
      {"--to=015112345678@sms.localhost", "--from", "alerts@firm.example", "--body", "Disk full"});
  EXPECT_EQ(run.exit_code, 0) << run.transcript;
  auto got = backend_.submissions();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].tenant.id, "tn_alpha");
  EXPECT_EQ(backend_.last_client_ip(), "127.0.0.1");
}

TEST_F(SmtpServerTest, RefusesAnOversizeMessage) {
  std::string body(70 * 1024, 'x');
  for (std::size_t i = 70; i < body.size(); i += 71) body[i] = '\n';
  auto run =
      send(with({"--to=015112345678@sms.localhost", "--from", "a@b.de", "--body", body}, kAuth));
  EXPECT_EQ(run.exit_code, 26) << run.transcript.substr(0, 2000);
  EXPECT_TRUE(run.replied("250-SIZE 65536"));
  EXPECT_TRUE(run.replied("552 5.3.4 Message too large: the limit is 65536 bytes"))
      << run.transcript.substr(0, 2000);
  EXPECT_TRUE(backend_.submissions().empty());
}

TEST_F(SmtpServerTest, AnswersATemporaryBackendFailureWith451) {
  backend_.fail_submits(Error(make_error_code(diskret::Errc::unavailable), "database down"));
  auto run =
      send(with({"--to=015112345678@sms.localhost", "--from", "a@b.de", "--body", "x"}, kAuth));
  EXPECT_EQ(run.exit_code, 26) << run.transcript;
  EXPECT_TRUE(run.replied("451 4.3.0")) << run.transcript;
}

constexpr const char* kRawMail =
    "EHLO raw\r\nAUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==\r\nMAIL FROM:<a@b.de>\r\n"
    "RCPT TO:<015112345678@sms.localhost>\r\nDATA\r\nSubject: s\r\n\r\nHeld text\r\n.\r\n";

TEST_F(SmtpServerTest, SaysOkOnlyAfterTheBackendConfirmedDurability) {
  backend_.hold_submits(true);
  RawClient client(port_);
  EXPECT_EQ(client.lines(1).substr(0, 4), "220 ");
  client.send(kRawMail);
  auto replies = client.lines(11);  // EHLO (7), AUTH, MAIL, RCPT, DATA
  EXPECT_NE(replies.find("354 "), std::string::npos) << replies;
  ASSERT_EQ(backend_.wait_held(1), 1u);
  EXPECT_TRUE(client.nothing_pending()) << "replied before the message was durable";
  std::thread([this] { backend_.release_held(); }).join();  // Done from a foreign thread
  EXPECT_EQ(client.lines(1), "250 2.0.0 Message accepted: 1 SMS queued\r\n");
  ASSERT_EQ(backend_.submissions().size(), 1u);
  EXPECT_EQ(backend_.submissions()[0].text, "Held text");
}

TEST_F(SmtpServerTest, Answers451WhenTheBackendNeverConfirms) {
  server_->stop();
  auto config = test_config();
  config.delivery_timeout = std::chrono::milliseconds(200);
  start(config);
  backend_.hold_submits(true);
  RawClient client(port_);
  client.lines(1);
  client.send(kRawMail);
  auto replies = client.lines(12);
  EXPECT_NE(replies.find("451 4.3.0 Temporary failure storing the message"), std::string::npos)
      << replies;
  backend_.release_held();  // too late: ignored by the session, which moved on
  client.send("NOOP\r\n");
  EXPECT_EQ(client.lines(1), "250 2.0.0 OK\r\n");
}

TEST_F(SmtpServerTest, CapsTheWholeSession) {
  server_->stop();
  auto config = test_config();
  config.command_timeout = std::chrono::seconds(30);
  config.session_timeout = std::chrono::milliseconds(300);
  start(config);
  RawClient client(port_);
  EXPECT_EQ(client.lines(1).substr(0, 4), "220 ");
  client.send("NOOP\r\n");
  EXPECT_EQ(client.lines(1), "250 2.0.0 OK\r\n");
  EXPECT_EQ(client.lines(1), "421 4.4.2 mx.test Timeout: closing connection\r\n");
}

TEST_F(SmtpServerTest, ClosesAnIdleConnectionWith421) {
  server_->stop();
  auto config = test_config();
  config.command_timeout = std::chrono::milliseconds(200);
  start(config);
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  EXPECT_EQ(client.lines(1).substr(0, 4), "220 ");
  client.send("EHLO raw\r\n");
  EXPECT_NE(client.lines(7).find("250 HELP"), std::string::npos);
  EXPECT_EQ(client.lines(1), "421 4.4.2 mx.test Timeout: closing connection\r\n");
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(SmtpServerTest, RefusesConnectionsOverTheCap) {
  server_->stop();
  auto config = test_config();
  config.max_connections = 1;
  start(config);
  RawClient first(port_);
  EXPECT_EQ(first.lines(1).substr(0, 4), "220 ");
  RawClient second(port_);
  EXPECT_EQ(second.lines(1), "421 4.7.0 mx.test Too many connections, please try again later\r\n");
  first.send("QUIT\r\n");
  EXPECT_EQ(first.lines(1), "221 2.0.0 mx.test closing connection\r\n");
}

// Attack: one address holding many idle connections meets its own cap (421) while the
// server-wide cap still has room for everyone else.
TEST_F(SmtpServerTest, RefusesConnectionsOverThePerAddressCap) {
  server_->stop();
  auto config = test_config();
  config.max_connections_per_ip = 2;
  start(config);
  auto first = std::make_unique<RawClient>(port_);
  RawClient second(port_);
  EXPECT_EQ(first->lines(1).substr(0, 4), "220 ");
  EXPECT_EQ(second.lines(1).substr(0, 4), "220 ");
  RawClient third(port_);
  EXPECT_EQ(third.lines(1), "421 4.7.0 mx.test Too many connections, please try again later\r\n");
  first->send("QUIT\r\n");
  EXPECT_EQ(first->lines(1), "221 2.0.0 mx.test closing connection\r\n");
  first.reset();
  for (int attempt = 0; attempt < 50; ++attempt) {
    RawClient again(port_);
    if (again.lines(1).substr(0, 4) == "220 ") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "a freed connection slot was never reused";
}

TEST_F(SmtpServerTest, SaysGoodbyeToIdleClientsOnStop) {
  RawClient client(port_);
  EXPECT_EQ(client.lines(1).substr(0, 4), "220 ");
  server_->stop();
  EXPECT_EQ(client.lines(1), "421 4.3.2 mx.test Service shutting down, please try again later\r\n");
  server_.reset();
}

/// A self-signed certificate for mx.test, made by `openssl req` in a temporary directory.
class SelfSignedCertificate {
 public:
  SelfSignedCertificate() {
    char pattern[] = "/tmp/diskret-smtp-tls-XXXXXX";
    dir_ = mkdtemp(pattern);
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-keyout " +
        key() + " -out " + cert() + " -days 1 -subj /CN=mx.test 2>/dev/null";
    ok_ = std::system(command.c_str()) == 0;
  }
  ~SelfSignedCertificate() { std::filesystem::remove_all(dir_); }
  bool ok() const { return ok_; }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
  bool ok_ = false;
};

class SmtpServerTlsTest : public SmtpServerTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certificate_.ok()) << "openssl req failed";
    auto config = test_config();
    config.tls_cert_file = certificate_.cert();
    config.tls_key_file = certificate_.key();
    start(config);
  }
  SelfSignedCertificate certificate_;
};

TEST_F(SmtpServerTlsTest, DeliversOverStartTls) {
  auto run = send(with({"--to=+4915112345678@sms.localhost", "--from", "a@b.de", "--tls", "--body",
                        "Sent through TLS."},
                       kAuth));
  ASSERT_EQ(run.exit_code, 0) << run.transcript;
  EXPECT_TRUE(run.replied("250-STARTTLS"));
  EXPECT_TRUE(run.replied("220 2.0.0 Ready to start TLS"));
  EXPECT_NE(run.transcript.find("TLS started"), std::string::npos) << run.transcript;
  auto got = backend_.submissions();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "Sent through TLS.");
  EXPECT_EQ(got[0].tenant.id, "tn_alpha");
}

TEST_F(SmtpServerTlsTest, StartTlsNegotiatesTls12OrNewerOnly) {
  auto v12 = diskret::test::s_client(port_, "-starttls smtp -tls1_2");
  EXPECT_EQ(v12.status, 0) << v12.output;
  EXPECT_NE(v12.output.find("Protocol version: TLSv1.2"), std::string::npos) << v12.output;
  auto v13 = diskret::test::s_client(port_, "-starttls smtp -tls1_3");
  EXPECT_NE(v13.output.find("Protocol version: TLSv1.3"), std::string::npos) << v13.output;
  // SECLEVEL=0 lets the client offer the old protocols: the refusal is the server's.
  for (const char* old : {"-tls1_1", "-tls1"}) {
    auto r = diskret::test::s_client(port_, std::string("-starttls smtp -cipher DEFAULT@SECLEVEL=0 ") + old);
    EXPECT_NE(r.status, 0) << old << ": " << r.output;
    EXPECT_EQ(r.output.find("Protocol version"), std::string::npos) << old << ": " << r.output;
  }
}

TEST_F(SmtpServerTlsTest, RefusesAuthInTheClearWhenTlsIsAvailable) {
  RawClient client(port_);
  EXPECT_EQ(client.lines(1).substr(0, 4), "220 ");
  client.send("EHLO raw\r\n");
  auto ehlo = client.lines(7);
  EXPECT_NE(ehlo.find("250-STARTTLS"), std::string::npos) << ehlo;
  EXPECT_EQ(ehlo.find("AUTH"), std::string::npos) << ehlo;
  client.send("AUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==\r\n");
  EXPECT_EQ(client.lines(1), "538 5.7.11 Encryption required: use STARTTLS before AUTH\r\n");
  EXPECT_EQ(backend_.authentications(), 0u);
}

TEST(SmtpServerConfig, RefusesAMissingCertificate) {
  FakeBackend backend;
  auto config = test_config();
  config.tls_cert_file = "/nonexistent/cert.pem";
  config.tls_key_file = "/nonexistent/key.pem";
  SmtpServer server(config, backend);
  auto started = server.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message().find("cannot load the certificate"), std::string::npos);
  config.tls_key_file.clear();
  SmtpServer half(config, backend);
  EXPECT_FALSE(half.start());
}

}  // namespace
}  // namespace diskret::smtp

// SmtpSession: scripted dialogues (RFC 5321 + extensions), limits, refusals, PIPELINING.
#include "smtp/smtp_session.hpp"

#include <gtest/gtest.h>

#include "smtp/errc.hpp"
#include "unit/smtp/dialogue.hpp"
#include "unit/smtp/fake_backend.hpp"

namespace diskret::smtp {
namespace {

using test::Driver;
using test::FakeBackend;

SessionConfig config() {
  SessionConfig c;
  c.hostname = "mx.test";
  c.sms_domain = "sms.example.com";
  c.max_message_bytes = 1000;
  c.max_recipients = 3;
  return c;
}

struct Fixture {
  explicit Fixture(SessionConfig c = config()) : session(std::move(c), backend), driver(session) {}
  FakeBackend backend;
  SmtpSession session;
  Driver driver;
};

constexpr std::string_view kEhloReply = R"(
  S: 250-mx.test Hello
  S: 250-PIPELINING
  S: 250-SIZE 1000
  S: 250-8BITMIME
  S: 250-ENHANCEDSTATUSCODES
  S: 250-AUTH PLAIN LOGIN
  S: 250 HELP
)";

/// Greeting, EHLO and a successful AUTH PLAIN as tn_alpha.
std::string authenticated(std::string_view rest) {
  return std::string(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: EHLO client.example
  )") + std::string(kEhloReply) +
         R"(
    C: AUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==
    S: 235 2.7.0 Authentication successful
  )" + std::string(rest);
}

TEST(SmtpSession, DeliversAnAuthenticatedMailToEveryRecipient) {
  Fixture f;
  f.driver.run(authenticated(R"(
    C: MAIL FROM:<office@firm.example> BODY=8BITMIME SIZE=200
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 250 2.1.5 Recipient OK
    C: RCPT TO:<015112345679@SMS.Example.COM>
    S: 250 2.1.5 Recipient OK
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
    C: Subject: hi
    C:
    C: ..leading dot
    C: Hello
    C: .
    S: 250 2.0.0 Message accepted: 2 SMS queued
    C: QUIT
    S: 221 2.0.0 mx.test closing connection
  )"));
  ASSERT_EQ(f.driver.delivered.size(), 1u);
  const auto& mail = f.driver.delivered[0];
  EXPECT_EQ(mail.tenant.id, "tn_alpha");
  EXPECT_EQ(mail.sender, "office@firm.example");
  EXPECT_EQ(mail.recipients, (std::vector<std::string>{"+4915112345678", "015112345679"}));
  EXPECT_EQ(mail.message, "Subject: hi\r\n\r\n.leading dot\r\nHello\r\n");
  EXPECT_TRUE(f.driver.closed);
}

TEST(SmtpSession, AnswersAPipelinedGroupInOrder) {
  Fixture f;
  f.driver.run(authenticated(R"(
    C: MAIL FROM:<a@b.example>
    C: RCPT TO:<+4915112345678@sms.example.com>
    C: RCPT TO:<someone@elsewhere.example>
    C: RCPT TO:<+4915112345679@sms.example.com>
    C: DATA
    C: Subject: x
    C:
    C: text
    C: .
    C: MAIL FROM:<a@b.example>
    C: RCPT TO:<+4915112345670@sms.example.com>
    C: DATA
    C: second
    C: .
    C: QUIT
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 550 5.1.2 Relaying refused: only mail to <number>@sms.example.com is accepted here
    S: 250 2.1.5 Recipient OK
    S: 354 End data with <CR><LF>.<CR><LF>
    S: 250 2.0.0 Message accepted: 2 SMS queued
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 354 End data with <CR><LF>.<CR><LF>
    S: 250 2.0.0 Message accepted: 1 SMS queued
    S: 221 2.0.0 mx.test closing connection
  )"));
  ASSERT_EQ(f.driver.delivered.size(), 2u);
  EXPECT_EQ(f.driver.delivered[1].message, "second\r\n");
}

TEST(SmtpSession, GivesTheSameRepliesWhenFedOneByteAtATime) {
  const std::string input =
      "EHLO c\r\nAUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==\r\nMAIL FROM:<a@b.example>\r\n"
      "RCPT TO:<+4915112345678@sms.example.com>\r\nDATA\r\nhello\r\n.\r\nQUIT\r\n";
  Fixture whole, bytes;
  std::string all = whole.driver.drive(whole.session.greet()) + whole.driver.send(input);
  std::string one = bytes.driver.drive(bytes.session.greet());
  for (char c : input) one += bytes.driver.send(std::string_view(&c, 1));
  EXPECT_EQ(one, all);
  EXPECT_NE(all.find("250 2.0.0 Message accepted"), std::string::npos);
  ASSERT_EQ(bytes.driver.delivered.size(), 1u);
  EXPECT_EQ(bytes.driver.delivered[0].message, "hello\r\n");
}

TEST(SmtpSession, AuthenticatesWithLogin) {
  Fixture f;
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: EHLO client.example
  )" + std::string(kEhloReply) +
               R"(
    C: AUTH LOGIN
    S: 334 VXNlcm5hbWU6
    C: dG5fYWxwaGE=
    S: 334 UGFzc3dvcmQ6
    C: a2V5LWFscGhh
    S: 235 2.7.0 Authentication successful
    C: AUTH LOGIN
    S: 503 5.5.1 Already authenticated
  )");
  EXPECT_TRUE(f.session.authenticated());
}

TEST(SmtpSession, AuthPlainWithoutInitialResponseAndCancel) {
  Fixture f;
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: EHLO client.example
  )" + std::string(kEhloReply) +
               R"(
    C: AUTH PLAIN
    S: 334 
    C: *
    S: 501 5.7.0 Authentication cancelled
    C: AUTH PLAIN
    S: 334 
    C: not base64!
    S: 501 5.5.2 Cannot decode the base64 response
    C: AUTH PLAIN
    S: 334 
    C: AHRuX2FscGhhAGtleS1hbHBoYQ==
    S: 235 2.7.0 Authentication successful
  )");
}

TEST(SmtpSession, RefusesBadCredentialsAndClosesAfterTooManyAttempts) {
  Fixture f;
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: EHLO client.example
  )" + std::string(kEhloReply) +
               R"(
    C: AUTH PLAIN AHRuX2FscGhhAHdyb25n
    S: 535 5.7.8 Authentication credentials invalid
    C: AUTH PLAIN dG5fYmV0YQB0bl9hbHBoYQBrZXktYWxwaGE=
    S: 535 5.7.8 Authentication credentials invalid
    C: MAIL FROM:<a@b.example>
    S: 530 5.7.0 Authentication required
    C: AUTH LOGIN dG5fYWxwaGE=
    S: 334 UGFzc3dvcmQ6
    C: d3Jvbmc=
    S: 535 5.7.8 Authentication credentials invalid
    S: 421 4.7.0 Too many failed authentication attempts, closing connection
    C: NOOP
  )");
  EXPECT_TRUE(f.session.closed());
  EXPECT_FALSE(f.session.authenticated());
}

TEST(SmtpSession, AnswersTemporaryAuthFailureWith454) {
  Fixture f;
  f.backend.set_unavailable(true);
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: HELO client.example
    S: 250 mx.test Hello
    C: AUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==
    S: 454 4.7.0 Temporary authentication failure; please try again later
  )");
}

TEST(SmtpSession, AcceptsARegisteredSenderWithoutAuth) {
  Fixture f;
  f.backend.register_sender("alerts@firm.example", "tn_alpha");
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: HELO client.example
    S: 250 mx.test Hello
    C: MAIL FROM:<stranger@firm.example>
    S: 530 5.7.0 Authentication required
    C: MAIL FROM:<>
    S: 530 5.7.0 Authentication required
    C: MAIL FROM:<alerts@firm.example>
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 250 2.1.5 Recipient OK
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
    C: hi
    C: .
    S: 250 2.0.0 Message accepted: 1 SMS queued
  )");
  ASSERT_EQ(f.driver.delivered.size(), 1u);
  EXPECT_EQ(f.driver.delivered[0].tenant.id, "tn_alpha");
}

TEST(SmtpSession, RefusesEachBadRecipientWithItsReasonAndKeepsTheOthers) {
  Fixture f;
  f.backend.refuse_number("+4915100000000", diskret::Errc::permission_denied,
                          "the number is on the suppression list");
  f.driver.run(authenticated(R"(
    C: MAIL FROM:<a@b.example>
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 250 2.1.5 Recipient OK
    C: RCPT TO:<hello@sms.example.com>
    S: 550 5.1.1 Invalid recipient: the part before '@' must be a phone number (digits, optionally starting with '+')
    C: RCPT TO:<+999123@sms.example.com>
    S: 550 5.1.1 Invalid recipient: invalid country code
    C: RCPT TO:<+4915100000000@sms.example.com>
    S: 550 5.7.1 Recipient refused: the number is on the suppression list
    C: RCPT TO:<12@sms.example.com>
    S: 550 5.1.1 Invalid recipient: the phone number is too short
    C: RCPT TO:<"+49 151 1234-5679"@sms.example.com>
    S: 250 2.1.5 Recipient OK
    C: RCPT TO:<+49(151)1234.5679@sms.example.com>
    S: 250 2.1.5 Recipient OK (duplicate, one SMS is sent)
    C: RCPT TO:
    S: 501 5.5.4 Syntax: RCPT TO:<number@sms.example.com>
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 250 2.1.5 Recipient OK (duplicate, one SMS is sent)
    C: RCPT TO:<user@[127.0.0.1]>
    S: 550 5.1.2 Relaying refused: only mail to <number>@sms.example.com is accepted here
    C: RCPT TO:<no-at-sign>
    S: 501 5.1.3 Bad recipient address: the address must have the form number@domain
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
    C: x
    C: .
    S: 250 2.0.0 Message accepted: 2 SMS queued
  )"));
  ASSERT_EQ(f.driver.delivered.size(), 1u);
  EXPECT_EQ(f.driver.delivered[0].recipients,
            (std::vector<std::string>{"+4915112345678", "+4915112345679"}));
}

TEST(SmtpSession, KeepsRepliesOnOneLineWhateverTheyQuote) {
  Fixture f;
  f.backend.refuse_number("+4915100000000", diskret::Errc::invalid_argument, "two\r\nlines");
  f.driver.drive(f.session.greet());
  f.driver.send("EHLO c\r\nAUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==\r\n");
  EXPECT_EQ(f.driver.send("MAIL FROM:<a@b.example> X\rY=1\r\n"),
            "555 5.5.4 Unsupported MAIL parameter X?Y\r\n");
  f.driver.send("MAIL FROM:<a@b.example>\r\n");
  EXPECT_EQ(f.driver.send("RCPT TO:<+4915100000000@sms.example.com>\r\n"),
            "550 5.1.1 Invalid recipient: two??lines\r\n");
}

TEST(SmtpSession, LimitsRecipientsPerMessage) {
  Fixture f;
  f.driver.run(authenticated(R"(
    C: MAIL FROM:<a@b.example>
    C: RCPT TO:<+4915112345671@sms.example.com>
    C: RCPT TO:<+4915112345672@sms.example.com>
    C: RCPT TO:<+4915112345673@sms.example.com>
    C: RCPT TO:<+4915112345674@sms.example.com>
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 250 2.1.5 Recipient OK
    S: 250 2.1.5 Recipient OK
    S: 452 4.5.3 Too many recipients: at most 3 per message
  )"));
}

TEST(SmtpSession, RefusesOversizeMessagesByDeclarationAndByContent) {
  Fixture f;
  std::string big(200, 'x');
  std::string script = authenticated(R"(
    C: MAIL FROM:<a@b.example> SIZE=1001
    S: 552 5.3.4 Message too large: the limit is 1000 bytes
    C: MAIL FROM:<a@b.example>
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 250 2.1.5 Recipient OK
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
  )");
  for (int i = 0; i < 6; ++i) script += "C: " + big + "\n";
  script += R"(
    C: .
    S: 552 5.3.4 Message too large: the limit is 1000 bytes
    C: MAIL FROM:<a@b.example>
    S: 250 2.1.0 Sender OK
  )";
  f.driver.run(script);
  EXPECT_TRUE(f.driver.delivered.empty());
}

TEST(SmtpSession, RefusesOverlongLinesAndCarriesOn) {
  Fixture f;
  std::string long_command = "NOOP " + std::string(600, 'a');
  std::string long_text(1200, 'b');
  f.driver.run(authenticated("C: " + long_command + R"(
    S: 500 5.5.2 Line too long: commands are limited to 512 octets
    C: NOOP
    S: 250 2.0.0 OK
    C: MAIL FROM:<a@b.example>
    S: 250 2.1.0 Sender OK
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 250 2.1.5 Recipient OK
    C: DATA
    S: 354 End data with <CR><LF>.<CR><LF>
    C: short
  )" + "C: " + long_text + R"(
    C: .
    S: 500 5.5.2 Line too long: message lines are limited to 1000 octets
    C: NOOP
    S: 250 2.0.0 OK
  )"));
  EXPECT_TRUE(f.driver.delivered.empty());
}

TEST(SmtpSession, DoesNotBufferALineWithoutEnd) {
  Fixture f;
  f.driver.drive(f.session.greet());
  EXPECT_EQ(f.driver.send(std::string(100'000, 'z')), "");
  EXPECT_LE(f.session.buffered(), 1000u);
  EXPECT_EQ(f.driver.send("zzz\r\nNOOP\r\n"),
            "500 5.5.2 Line too long: commands are limited to 512 octets\r\n250 2.0.0 OK\r\n");
}

TEST(SmtpSession, RefusesCommandsOutOfSequence) {
  Fixture f;
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: MAIL FROM:<a@b.example>
    S: 503 5.5.1 Send EHLO or HELO first
    C: AUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==
    S: 503 5.5.1 Send EHLO first
    C: EHLO c
  )" + std::string(kEhloReply) +
               R"(
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 503 5.5.1 Send MAIL first
    C: DATA
    S: 503 5.5.1 Send MAIL first
    C: AUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==
    S: 235 2.7.0 Authentication successful
    C: MAIL FROM:<a@b.example>
    S: 250 2.1.0 Sender OK
    C: MAIL FROM:<a@b.example>
    S: 503 5.5.1 Nested MAIL command: a transaction is already open
    C: DATA
    S: 554 5.5.1 No valid recipients
    C: RSET
    S: 250 2.0.0 Reset OK
    C: RCPT TO:<+4915112345678@sms.example.com>
    S: 503 5.5.1 Send MAIL first
  )");
}

TEST(SmtpSession, AnswersTheSmallCommands) {
  Fixture f;
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: NOOP
    S: 250 2.0.0 OK
    C: VRFY +4915112345678
    S: 252 2.5.0 Cannot verify the user, but will accept the message and attempt delivery
    C: HELP
    S: 214 2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT VRFY HELP. Send mail to <number>@sms.example.com to send an SMS.
    C: EXPN list
    S: 502 5.5.1 EXPN is not supported: there are no mailing lists here
    C: FOO bar
    S: 500 5.5.1 Command not recognized
    C: EHLO
    S: 501 5.5.4 EHLO needs a domain or address
    C: STARTTLS
    S: 454 4.7.0 TLS is not available: no certificate is configured
    C: mail from:<a@b.example> SIZE=12
    S: 503 5.5.1 Send EHLO or HELO first
    C: QUIT
    S: 221 2.0.0 mx.test closing connection
  )");
}

TEST(SmtpSession, ClosesAfterTooManyErrors) {
  auto c = config();
  c.max_errors = 3;
  Fixture f(c);
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: GET / HTTP/1.1
    C: Host: x
    C: 
    C: NOOP
    S: 500 5.5.1 Command not recognized
    S: 500 5.5.1 Command not recognized
    S: 500 5.5.2 Empty command
    S: 421 4.7.0 Too many errors, closing connection
  )");
  EXPECT_TRUE(f.driver.closed);
}

TEST(SmtpSession, MapsDeliveryResultsToReplies) {
  const std::string mail = authenticated(R"(
    C: MAIL FROM:<a@b.example>
    C: RCPT TO:<+4915112345678@sms.example.com>
    C: DATA
    C: x
    C: .
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 354 End data with <CR><LF>.<CR><LF>
  )");
  for (auto [error, reply] : std::vector<std::pair<Error, std::string>>{
           {Error(make_error_code(diskret::Errc::unavailable), "db"),
            "451 4.3.0 Temporary failure storing the message; please try again later"},
           {Error(make_error_code(diskret::Errc::io_error), "disk"),
            "451 4.3.0 Temporary failure storing the message; please try again later"},
           {Error(make_error_code(Errc::empty_text), "the message has no text to send"),
            "554 5.6.0 Message refused: the message has no text to send"},
           {Error(make_error_code(diskret::Errc::permission_denied), "insufficient credit"),
            "554 5.7.1 Message refused: insufficient credit"}}) {
    Fixture f;
    f.driver.result = unexpected(error);
    f.driver.run(mail + "S: " + reply + "\n" + R"(
      C: MAIL FROM:<a@b.example>
      S: 250 2.1.0 Sender OK
    )");
  }
}

TEST(SmtpSession, AnswersTemporaryRecipientCheckFailureWith451) {
  Fixture f;
  f.driver.run(authenticated(R"(
    C: MAIL FROM:<a@b.example>
    S: 250 2.1.0 Sender OK
  )"));
  f.backend.set_unavailable(true);
  EXPECT_EQ(f.driver.send("RCPT TO:<+4915112345678@sms.example.com>\r\n"),
            "451 4.3.0 Temporary failure checking the recipient; please try again later\r\n");
}

TEST(SmtpSession, BuffersInputWhileADeliveryIsPending) {
  Fixture f;
  f.driver.drive(f.session.greet());
  auto out = f.session.feed(
      "EHLO c\r\nAUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==\r\nMAIL FROM:<a@b.example>\r\n"
      "RCPT TO:<+4915112345678@sms.example.com>\r\nDATA\r\nhi\r\n.\r\nNOOP\r\nQUIT\r\n");
  ASSERT_TRUE(out.deliver);
  EXPECT_TRUE(f.session.waiting());
  EXPECT_EQ(out.replies.find("250 2.0.0 OK"), std::string::npos);
  auto more = f.session.feed("NOOP\r\n");  // still waiting: nothing happens yet
  EXPECT_EQ(more.replies, "");
  auto after = f.session.on_delivered({});
  EXPECT_EQ(after.replies,
            "250 2.0.0 Message accepted: 1 SMS queued\r\n250 2.0.0 OK\r\n"
            "221 2.0.0 mx.test closing connection\r\n");
  EXPECT_TRUE(after.close);
}

TEST(SmtpSession, RefusedContentIs550WithTheSentence) {
  Fixture f;
  f.driver.drive(f.session.greet());
  auto out = f.session.feed(
      "EHLO c\r\nAUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==\r\nMAIL FROM:<a@b.example>\r\n"
      "RCPT TO:<+4915112345678@sms.example.com>\r\nDATA\r\nhi\r\n.\r\n");
  ASSERT_TRUE(out.deliver);
  auto after = f.session.on_delivered(unexpected(
      Error{make_error_code(Errc::content_refused), "The text contains sensitive content (iban)."}));
  EXPECT_EQ(after.replies,
            "550 5.7.1 Message refused: The text contains sensitive content (iban).\r\n");
}

TEST(SmtpSession, EndsDataOnlyAtCrLfDotCrLf) {
  Fixture f;
  f.driver.run(authenticated(R"(
    C: MAIL FROM:<a@b.example>
    C: RCPT TO:<+4915112345678@sms.example.com>
    C: DATA
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 354 End data with <CR><LF>.<CR><LF>
  )"));
  // "\n.\r\n" and "\r\n.\n" are SMTP smuggling attempts: they stay message content.
  EXPECT_EQ(f.driver.send("one\n.\r\nMAIL FROM:<x@y>\r\ntwo\r\n.\nthree\r\n.\r\n"),
            "250 2.0.0 Message accepted: 1 SMS queued\r\n");
  ASSERT_EQ(f.driver.delivered.size(), 1u);
  EXPECT_EQ(f.driver.delivered[0].message, "one\r\n\r\nMAIL FROM:<x@y>\r\ntwo\r\n\r\nthree\r\n");
}

TEST(SmtpSession, UpgradesToTlsAndDropsPipelinedCleartext) {
  auto c = config();
  c.tls_available = true;
  c.auth_requires_tls = true;
  Fixture f(c);
  f.driver.run(R"(
    S: 220 mx.test ESMTP diskret email-to-SMS gateway ready
    C: EHLO c
    S: 250-mx.test Hello
    S: 250-PIPELINING
    S: 250-SIZE 1000
    S: 250-8BITMIME
    S: 250-ENHANCEDSTATUSCODES
    S: 250-STARTTLS
    S: 250 HELP
    C: AUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==
    S: 538 5.7.11 Encryption required: use STARTTLS before AUTH
    C: STARTTLS
    C: MAIL FROM:<injected@evil.example>
    S: 220 2.0.0 Ready to start TLS
    C: MAIL FROM:<a@b.example>
    S: 503 5.5.1 Send EHLO or HELO first
    C: EHLO c
    S: 250-mx.test Hello
    S: 250-PIPELINING
    S: 250-SIZE 1000
    S: 250-8BITMIME
    S: 250-ENHANCEDSTATUSCODES
    S: 250-AUTH PLAIN LOGIN
    S: 250 HELP
    C: STARTTLS
    S: 503 5.5.1 TLS is already active
    C: AUTH PLAIN AHRuX2FscGhhAGtleS1hbHBoYQ==
    S: 235 2.7.0 Authentication successful
  )");
  EXPECT_EQ(f.driver.tls_handshakes, 1);
  EXPECT_TRUE(f.session.tls_active());
}

TEST(SmtpSession, SaysGoodbyeOnTimeoutAndShutdown) {
  Fixture f;
  f.driver.drive(f.session.greet());
  auto out = f.session.on_timeout();
  EXPECT_EQ(out.replies, "421 4.4.2 mx.test Timeout: closing connection\r\n");
  EXPECT_TRUE(out.close);
  EXPECT_EQ(f.session.feed("NOOP\r\n").replies, "");

  Fixture g;
  g.driver.drive(g.session.greet());
  EXPECT_EQ(g.session.on_shutdown().replies,
            "421 4.3.2 mx.test Service shutting down, please try again later\r\n");
}

TEST(SmtpSession, ValidatesMailParameters) {
  Fixture f;
  f.driver.run(authenticated(R"(
    C: MAIL FROM:<a@b.example> SIZE=abc
    S: 501 5.5.4 SIZE needs a number
    C: MAIL FROM:<a@b.example> BODY=BINARYMIME
    S: 501 5.5.4 BODY must be 7BIT or 8BITMIME
    C: MAIL FROM:<a@b.example> SMTPUTF8
    S: 555 5.5.4 Unsupported MAIL parameter SMTPUTF8
    C: MAIL FROM:<not an address>
    S: 501 5.1.7 The sender address is not valid
    C: MAIL FROM:a@b.example
    S: 250 2.1.0 Sender OK
  )"));
}

}  // namespace
}  // namespace diskret::smtp

// smpp::Session over loopback TCP: one side is a Session, the other a Session or a raw
// socket that reads and writes bytes with the codec. Every test runs its io_context for a
// bounded time.
#include "smpp/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>

namespace diskret::smpp {
namespace {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// A connected pair of sockets on 127.0.0.1.
std::pair<tcp::socket, tcp::socket> socket_pair(asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  return {std::move(client), std::move(server)};
}

/// Runs `io` until `done()` holds or `timeout` passes (sessions keep timers armed, so the
/// io_context would not run out of work by itself).
template <class Done>
bool run_until(asio::io_context& io, Done done, std::chrono::milliseconds timeout = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
  return done();
}

SessionOptions options(std::chrono::milliseconds timeout = 2s, std::chrono::milliseconds enquire = 0ms) {
  SessionOptions o;
  o.name = "test";
  o.response_timeout = timeout;
  o.enquire_link_interval = enquire;
  return o;
}

Pdu submit(std::string text) {
  SubmitSm s;
  s.destination_addr = "4915112345678";
  s.short_message = std::move(text);
  return Pdu{0, 0, std::move(s)};
}

/// Reads PDUs from a raw socket and hands them to `on_pdu` until the peer closes.
asio::awaitable<void> read_raw(tcp::socket& socket, std::function<void(Pdu&&)> on_pdu,
                               std::size_t* reads = nullptr, bool* closed = nullptr) {
  PduFramer framer;
  std::vector<std::uint8_t> buf(65536);
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), as_tuple(use_awaitable));
    if (ec) {
      if (closed != nullptr) *closed = true;
      co_return;
    }
    if (reads != nullptr) ++*reads;
    framer.feed(std::span<const std::uint8_t>(buf.data(), n));
    while (auto frame = framer.next()) {
      if (!*frame) break;
      auto pdu = decode(**frame);
      if (pdu) on_pdu(std::move(*pdu));
    }
  }
}

void write_raw(tcp::socket& socket, const Pdu& pdu) { asio::write(socket, asio::buffer(encode(pdu))); }

TEST(SmppSession, MatchesResponsesToRequestsInAnyOrder) {
  asio::io_context io;
  auto [c, s] = socket_pair(io);
  auto client = Session::create(std::move(c), options());
  auto server = Session::create(std::move(s), options());
  constexpr int kCount = 500;
  std::vector<Pdu> received;
  server->start(
      [&](Pdu&& pdu) {
        received.push_back(std::move(pdu));
        if (received.size() < kCount) return;
        // Answer in reverse order: correlation must go by sequence number.
        for (auto it = received.rbegin(); it != received.rend(); ++it) {
          server->respond(it->sequence_number, Status::ok,
                          SubmitSmResp{std::get<SubmitSm>(it->body).short_message});
        }
      },
      [](std::error_code) {});
  client->start([](Pdu&&) {}, [](std::error_code) {});
  int answered = 0;
  std::set<std::uint32_t> sequences;
  for (int i = 0; i < kCount; ++i) {
    auto pdu = submit("m" + std::to_string(i));
    const auto seq = client->send_request(pdu, [&, i](std::error_code ec, Pdu&& resp) {
      ASSERT_FALSE(ec);
      EXPECT_EQ(std::get<SubmitSmResp>(resp.body).message_id, "m" + std::to_string(i));
      ++answered;
    });
    EXPECT_NE(seq, 0u);
    sequences.insert(seq);
  }
  EXPECT_EQ(sequences.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(client->outstanding(), static_cast<std::size_t>(kCount));
  EXPECT_TRUE(run_until(io, [&] { return answered == kCount; }));
  EXPECT_EQ(answered, kCount);
  EXPECT_EQ(client->outstanding(), 0u);
}

TEST(SmppSession, CoalescesQueuedPdusIntoOneWrite) {
  asio::io_context io;
  auto [c, raw] = socket_pair(io);
  auto client = Session::create(std::move(c), options());
  client->start([](Pdu&&) {}, [](std::error_code) {});
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) {
    auto pdu = submit("coalesce");
    client->send_request(pdu, [](std::error_code, Pdu&&) {});
  }
  std::size_t reads = 0;
  int pdus = 0;
  asio::co_spawn(io, read_raw(raw, [&](Pdu&&) { ++pdus; }, &reads), asio::detached);
  run_until(io, [&] { return pdus == kCount; }, 1s);
  EXPECT_EQ(pdus, kCount);
  EXPECT_LE(reads, 3u) << "200 queued PDUs should leave in one write";
}

TEST(SmppSession, ClosesWhenARequestGetsNoResponse) {
  asio::io_context io;
  auto [c, raw] = socket_pair(io);
  auto client = Session::create(std::move(c), options(100ms));
  std::optional<std::error_code> closed, failed;
  client->start([](Pdu&&) {}, [&](std::error_code ec) { closed = ec; });
  auto pdu = submit("silence");
  client->send_request(pdu, [&](std::error_code ec, Pdu&&) { failed = ec; });
  asio::co_spawn(io, read_raw(raw, [](Pdu&&) {}), asio::detached);  // reads, never answers
  run_until(io, [&] { return failed && closed; }, 1s);
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, SessionErrc::response_timeout);
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, SessionErrc::response_timeout);
  EXPECT_FALSE(client->is_open());
  EXPECT_EQ(client->send_request(pdu, [](std::error_code, Pdu&&) {}), 0u);
}

TEST(SmppSession, SendsEnquireLinkWhileIdle) {
  asio::io_context io;
  auto [c, raw] = socket_pair(io);
  auto client = Session::create(std::move(c), options(200ms, 50ms));
  bool closed = false;
  client->start([](Pdu&&) {}, [&](std::error_code) { closed = true; });
  int pings = 0;
  asio::co_spawn(io, read_raw(raw, [&](Pdu&& pdu) {
    if (!std::holds_alternative<EnquireLink>(pdu.body)) return;
    ++pings;
    write_raw(raw, Pdu{0, pdu.sequence_number, EnquireLinkResp{}});
  }), asio::detached);
  io.run_for(600ms);
  EXPECT_GE(pings, 4);
  EXPECT_LE(pings, 13);
  EXPECT_FALSE(closed) << "answered enquire_links keep the session open";
}

TEST(SmppSession, AnswersEnquireLinkAndUnbind) {
  asio::io_context io;
  auto [raw, s] = socket_pair(io);
  auto server = Session::create(std::move(s), options());
  std::optional<std::error_code> closed;
  server->start([](Pdu&&) { ADD_FAILURE() << "handled by the session itself"; },
                [&](std::error_code ec) { closed = ec; });
  std::vector<Pdu> answers;
  bool eof = false;
  write_raw(raw, Pdu{0, 7, EnquireLink{}});
  write_raw(raw, Pdu{0, 8, Unbind{}});
  asio::co_spawn(io, read_raw(raw, [&](Pdu&& p) { answers.push_back(std::move(p)); }, nullptr, &eof),
                 asio::detached);
  run_until(io, [&] { return eof && closed; }, 1s);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<EnquireLinkResp>(answers[0].body));
  EXPECT_EQ(answers[0].sequence_number, 7u);
  EXPECT_TRUE(std::holds_alternative<UnbindResp>(answers[1].body));
  EXPECT_EQ(answers[1].sequence_number, 8u);
  EXPECT_TRUE(eof);
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, SessionErrc::peer_unbound);
}

TEST(SmppSession, NacksUndecodablePdusAndClosesOnFramingErrors) {
  asio::io_context io;
  auto [raw, s] = socket_pair(io);
  auto server = Session::create(std::move(s), options());
  std::optional<std::error_code> closed;
  server->start([](Pdu&&) {}, [&](std::error_code ec) { closed = ec; });
  // An unknown command id: answered with generic_nack, the session goes on.
  const std::uint8_t unknown[16] = {0, 0, 0, 16, 0, 0, 0, 0x99, 0, 0, 0, 0, 0, 0, 0, 5};
  asio::write(raw, asio::buffer(unknown));
  write_raw(raw, Pdu{0, 6, EnquireLink{}});
  std::vector<Pdu> answers;
  bool eof = false;
  asio::co_spawn(io, read_raw(raw, [&](Pdu&& p) { answers.push_back(std::move(p)); }, nullptr, &eof),
                 asio::detached);
  run_until(io, [&] { return answers.size() >= 2; }, 1s);
  io.restart();
  io.run_for(50ms);  // nothing more may come
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<GenericNack>(answers[0].body));
  EXPECT_EQ(answers[0].sequence_number, 5u);
  EXPECT_EQ(answers[0].command_status, static_cast<std::uint32_t>(Status::invalid_command_id));
  EXPECT_TRUE(std::holds_alternative<EnquireLinkResp>(answers[1].body));
  EXPECT_FALSE(eof);

  // A command_length below the header size cannot be skipped: nack, then close.
  const std::uint8_t broken[16] = {0, 0, 0, 4, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 9};
  asio::write(raw, asio::buffer(broken));
  run_until(io, [&] { return eof && closed; }, 1s);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<GenericNack>(answers[2].body));
  EXPECT_EQ(answers[2].command_status, static_cast<std::uint32_t>(Status::invalid_command_length));
  EXPECT_TRUE(eof);
  ASSERT_TRUE(closed);
  EXPECT_EQ(*closed, SessionErrc::framing_error);
}

TEST(SmppSession, OutstandingRequestsFailInOrderWhenThePeerCloses) {
  asio::io_context io;
  auto [c, raw] = socket_pair(io);
  auto client = Session::create(std::move(c), options());
  std::optional<std::error_code> closed;
  client->start([](Pdu&&) {}, [&](std::error_code ec) { closed = ec; });
  std::vector<int> failed;
  for (int i = 0; i < 5; ++i) {
    auto pdu = submit("x");
    client->send_request(pdu, [&, i](std::error_code ec, Pdu&&) {
      EXPECT_TRUE(ec);
      failed.push_back(i);
    });
  }
  int seen = 0;
  asio::co_spawn(io, read_raw(raw, [&](Pdu&&) {
    if (++seen == 5) raw.close();
  }), asio::detached);
  run_until(io, [&] { return closed.has_value(); }, 1s);
  EXPECT_EQ(failed, (std::vector<int>{0, 1, 2, 3, 4}));
  ASSERT_TRUE(closed);
  EXPECT_TRUE(*closed == SessionErrc::peer_closed || *closed == std::errc::connection_reset) << closed->message();
}

TEST(SmppSession, UnbindWaitsForTheResponseThenCloses) {
  asio::io_context io;
  auto [c, s] = socket_pair(io);
  auto client = Session::create(std::move(c), options());
  auto server = Session::create(std::move(s), options());
  std::optional<std::error_code> client_closed, server_closed;
  client->start([](Pdu&&) {}, [&](std::error_code ec) { client_closed = ec; });
  server->start([](Pdu&&) {}, [&](std::error_code ec) { server_closed = ec; });
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::duration> took;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    co_await client->unbind(2s);
    took = std::chrono::steady_clock::now() - started;
  }, asio::detached);
  run_until(io, [&] { return took && server_closed; });
  ASSERT_TRUE(took);
  EXPECT_LT(*took, 1s) << "unbind_resp ends the wait early";
  ASSERT_TRUE(client_closed);
  EXPECT_EQ(*client_closed, SessionErrc::closed);
  ASSERT_TRUE(server_closed);
  EXPECT_EQ(*server_closed, SessionErrc::peer_unbound);
}

TEST(SmppSession, AwaitableRequestReturnsTheResponse) {
  asio::io_context io;
  auto [c, s] = socket_pair(io);
  auto client = Session::create(std::move(c), options());
  auto server = Session::create(std::move(s), options());
  server->start([&](Pdu&& pdu) {
    ASSERT_TRUE(std::holds_alternative<BindTransceiver>(pdu.body));
    server->respond(pdu.sequence_number, Status::ok, BindTransceiverResp{{"SMSC", {}}});
  }, [](std::error_code) {});
  client->start([](Pdu&&) {}, [](std::error_code) {});
  std::optional<Expected<Pdu, std::error_code>> result;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    BindTransceiver bind;
    bind.system_id = "diskret";
    result = co_await client->request(bind);
  }, asio::detached);
  run_until(io, [&] { return result.has_value(); }, 1s);
  ASSERT_TRUE(result && *result);
  EXPECT_EQ(std::get<BindTransceiverResp>((*result)->body).system_id, "SMSC");
}

}  // namespace
}  // namespace diskret::smpp

// The HTTP server over real loopback sockets on port 0.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "http/problem.hpp"
#include "http/router.hpp"
#include "integration/http/raw_client.hpp"
#include "support/tls_certificate.hpp"

namespace diskret::http {
namespace {

using test::get;
using test::post;
using test::RawClient;

/// Holds Respond callbacks of /deferred requests until the test answers them.
struct Parked {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Respond> waiting;
  void park(Respond r) {
    std::lock_guard lock(mutex);
    waiting.push_back(std::move(r));
    cv.notify_all();
  }
  Respond take() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return !waiting.empty(); });
    auto r = std::move(waiting.back());
    waiting.pop_back();
    return r;
  }
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/hello", [](Request&& r, Respond respond) {
      respond(Response{200, "text/plain", {}, "hello " + r.request_id});
    });
    router_.add("POST", "/echo", [](Request&& r, Respond respond) {
      respond(Response{200, "application/octet-stream", {}, std::move(r.body)});
    });
    // Answers from another thread, as the pipeline does after a commit.
    router_.add("GET", "/later", [](Request&&, Respond respond) {
      std::thread([respond] { respond(Response{200, "text/plain", {}, "later"}); }).detach();
    });
    router_.add("GET", "/deferred", [this](Request&&, Respond respond) { parked_.park(respond); });
    router_.add("GET", "/boom", [](Request&&, Respond) -> void { throw std::runtime_error("bug"); });
    start({});
  }

  void start(ServerConfig config) {
    server_.reset();
    config.listen = "127.0.0.1:0";
    if (config.max_body_bytes == ServerConfig{}.max_body_bytes) config.max_body_bytes = 1024;
    server_ = std::make_unique<Server>(config, router_.handler());
    ASSERT_TRUE(server_->start().has_value());
    ASSERT_NE(server_->port(), 0);
  }

  Router router_;
  Parked parked_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 5; ++i) {
    auto res = client.request(get("/hello"));
    ASSERT_TRUE(res) << i;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body.rfind("hello ", 0), 0u);
  }
  auto echo = client.request(post("/echo", "{\"a\":1}"));
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->body, "{\"a\":1}");
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawClient client(server_->port());
  ASSERT_TRUE(client.send(post("/echo", "one") + post("/echo", "two") + get("/hello")));
  EXPECT_EQ(client.read_response()->body, "one");
  EXPECT_EQ(client.read_response()->body, "two");
  EXPECT_EQ(client.read_response()->status, 200);
}

TEST_F(ServerTest, AddsSecurityHeadersAndRequestId) {
  RawClient client(server_->port());
  auto res = client.request(get("/hello"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(res->header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(res->header("Cache-Control"), "no-store");
  EXPECT_EQ(res->header("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
  auto id = res->header("X-Request-Id");
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(res->body, "hello " + id);
}

TEST_F(ServerTest, KeepsASaneIncomingRequestIdOnly) {
  RawClient client(server_->port());
  auto mine = client.request(get("/hello", "X-Request-Id: trace-42.a\r\n"));
  EXPECT_EQ(mine->header("X-Request-Id"), "trace-42.a");
  auto evil = client.request(get("/hello", "X-Request-Id: a b<script>\r\n"));
  EXPECT_NE(evil->header("X-Request-Id"), "a b<script>");
  EXPECT_EQ(evil->header("X-Request-Id").size(), 16u);
}

TEST_F(ServerTest, OversizedBodyIs413ProblemAndClose) {
  RawClient client(server_->port());
  std::string body(3000, 'x');
  auto res = client.request(post("/echo", body));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->header("Content-Type"), "application/problem+json");
  EXPECT_NE(res->body.find("\"status\":413"), std::string::npos);
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, UploadPathsTakeLargerBodiesUpToTheirOwnLimit) {
  router_.add("POST", "/upload", [](Request&& r, Respond respond) {
    respond(Response{200, "text/plain", {}, std::to_string(r.body.size())});
  });
  ServerConfig config;
  config.upload_paths = {"/upload"};
  config.max_upload_bytes = 8192;
  start(config);
  RawClient client(server_->port());
  auto big = client.request(post("/upload?dry_run=1", std::string(6000, 'u')));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 200);
  EXPECT_EQ(big->body, "6000");
  auto elsewhere = client.request(post("/echo", std::string(6000, 'e')));  // still 1,024
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 413);
  RawClient again(server_->port());
  auto over = again.request(post("/upload", std::string(9000, 'u')));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413);
  EXPECT_NE(over->body.find("8192 bytes"), std::string::npos) << over->body;
}

TEST_F(ServerTest, OversizedChunkedBodyIs413) {
  RawClient client(server_->port());
  std::string chunk(800, 'y');
  std::string raw = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) raw += "320\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  auto res = client.request(raw);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
  RawClient client(server_->port());
  ASSERT_TRUE(client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                          "Expect: 100-continue\r\n\r\n"));
  auto interim = client.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  auto res = client.request("hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "hello");
}

TEST_F(ServerTest, UnknownPathAndWrongMethodAreProblems) {
  RawClient client(server_->port());
  auto missing = client.request(get("/nope"));
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->header("Content-Type"), "application/problem+json");
  auto wrong = client.request(post("/hello", "{}"));
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("Allow"), "GET");
  // The connection stays usable after problems that are not protocol errors.
  EXPECT_EQ(client.request(get("/hello"))->status, 200);
}

TEST_F(ServerTest, MalformedRequestIs400AndClose) {
  RawClient client(server_->port());
  auto res = client.request("GARBAGE\r\n\r\n");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(client.closed_by_peer());

  RawClient bad_length(server_->port());
  auto res2 = bad_length.request("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: x1\r\n\r\n");
  ASSERT_TRUE(res2);
  EXPECT_EQ(res2->status, 400);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  RawClient client(server_->port());
  auto res = client.request(get("/hello", "X-Big: " + std::string(20000, 'h') + "\r\n"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 431);
}

TEST_F(ServerTest, ResponseFromAnotherThreadArrives) {
  RawClient client(server_->port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.request(get("/later"))->body, "later");
}

TEST_F(ServerTest, ThrowingHandlerGets500AndServerLives) {
  RawClient client(server_->port());
  EXPECT_EQ(client.request(get("/boom"))->status, 500);
  EXPECT_EQ(client.request(get("/hello"))->status, 200);
}

TEST_F(ServerTest, ConcurrentClientsAllGetTheirOwnAnswers) {
  constexpr int kClients = 8, kRequests = 100;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      RawClient client(server_->port());
      for (int i = 0; i < kRequests; ++i) {
        std::string body = std::to_string(c) + ":" + std::to_string(i);
        auto res = client.request(post("/echo", body));
        if (res && res->body == body) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
}

TEST_F(ServerTest, ConnectionLimitAnswers503) {
  ServerConfig config;
  config.max_connections = 1;
  start(config);
  RawClient first(server_->port());
  ASSERT_EQ(first.request(get("/hello"))->status, 200);
  RawClient second(server_->port());
  auto res = second.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->header("Retry-After"), "1");
}

// Attack (slowloris): a client that trickles its header one byte at a time, each byte
// well inside any per-read timeout, is still cut off once read_timeout has passed since
// its request began, and the server keeps serving others meanwhile.
TEST_F(ServerTest, SlowlorisHeaderTricklingIsCutOffAtReadTimeout) {
  ServerConfig config;
  config.read_timeout = std::chrono::milliseconds(600);
  start(config);
  RawClient slow(server_->port());
  const std::string request = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
  const auto began = std::chrono::steady_clock::now();
  bool cut = false;
  for (char c : request) {
    if (std::chrono::steady_clock::now() - began < std::chrono::milliseconds(300)) {
      RawClient other(server_->port());  // others are served while the slow one trickles
      ASSERT_EQ(other.request(get("/hello"))->status, 200);
    }
    // Each byte comes 20 ms after the last: far inside any per-read timeout.
    if (!slow.send(std::string_view(&c, 1)) || slow.closed_by_peer(20)) {
      cut = true;
      break;
    }
  }
  EXPECT_TRUE(cut) << "the trickling client kept its connection for the whole header";
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, std::chrono::milliseconds(500));
  EXPECT_LT(took, std::chrono::milliseconds(2500));
}

// Attack: one address opening connection after connection (and holding them) meets its
// own cap long before the server-wide one; the connections it gave up count again.
TEST_F(ServerTest, ConnectionCapPerAddressAnswers503) {
  ServerConfig config;
  config.max_connections_per_ip = 3;
  start(config);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(server_->port()));
    ASSERT_EQ(held.back()->request(get("/hello"))->status, 200);
  }
  RawClient fourth(server_->port());
  auto res = fourth.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->header("Content-Type"), "application/problem+json");
  held.pop_back();  // one closes: a new connection is served again
  for (int attempt = 0; attempt < 50; ++attempt) {
    RawClient again(server_->port());
    auto r = again.request(get("/hello"));
    if (r && r->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "a freed connection slot was never reused";
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterIdleTimeout) {
  ServerConfig config;
  config.idle_timeout = std::chrono::milliseconds(200);
  start(config);
  RawClient client(server_->port());
  ASSERT_EQ(client.request(get("/hello"))->status, 200);
  EXPECT_TRUE(client.closed_by_peer(3000));
}

TEST_F(ServerTest, StopFinishesRequestsInFlightAndClosesIdleOnes) {
  RawClient idle(server_->port());
  ASSERT_EQ(idle.request(get("/hello"))->status, 200);
  RawClient busy(server_->port());
  ASSERT_TRUE(busy.send(get("/deferred")));
  Respond respond = parked_.take();

  auto stopped = std::async(std::launch::async, [&] { server_->stop(); });
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  respond(Response{200, "text/plain", {}, "finished"});
  auto res = busy.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "finished");
  EXPECT_EQ(test::RawResponse::lower(res->header("Connection")), "close");
  stopped.get();
  RawClient refused(server_->port());
  EXPECT_FALSE(refused.connected());
}

TEST_F(ServerTest, StopGivesUpOnStuckHandlersAfterGrace) {
  ServerConfig config;
  config.shutdown_grace = std::chrono::milliseconds(100);
  start(config);
  RawClient busy(server_->port());
  ASSERT_TRUE(busy.send(get("/deferred")));
  Respond respond = parked_.take();
  server_->stop();
  // A late answer after the server is gone must be harmless.
  respond(Response{200, "text/plain", {}, "too late"});
  server_.reset();
}

TEST(Server, StartFailsOnAddressInUse) {
  Router router;
  Server first({.listen = "127.0.0.1:0"}, router.handler());
  ASSERT_TRUE(first.start());
  ServerConfig config;
  config.listen = "127.0.0.1:" + std::to_string(first.port());
  Server second(config, router.handler());
  auto started = second.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().detail.find("cannot listen on"), std::string::npos);
}

/// HTTPS on a second listener: the same handler, TLS 1.2+ only, and a plain client on
/// the TLS port gets nothing.
TEST_F(ServerTest, ServesHttpsOnItsOwnListenerWithTls12OrNewer) {
  diskret::test::SelfSignedCertificate cert;
  ASSERT_TRUE(cert.ok());
  ServerConfig config;
  config.tls_listen = "127.0.0.1:0";
  config.tls.cert_file = cert.cert();
  config.tls.key_file = cert.key();
  config.read_timeout = std::chrono::milliseconds{2'000};
  start(config);
  const auto port = server_->tls_port();
  ASSERT_NE(port, 0);
  EXPECT_NE(port, server_->port());
  auto curl = diskret::test::run_command(
      "curl -sS --max-time 10 --cacert " + cert.cert() + " https://localhost:" +
      std::to_string(port) + "/hello -w ' %{http_code} %{ssl_verify_result}'");
  EXPECT_EQ(curl.status, 0) << curl.output;
  EXPECT_EQ(curl.output.rfind("hello ", 0), 0u) << curl.output;
  EXPECT_NE(curl.output.find(" 200 0"), std::string::npos) << curl.output;
  auto v12 = diskret::test::s_client(port, "-tls1_2 -CAfile " + cert.cert());
  EXPECT_NE(v12.output.find("Protocol version: TLSv1.2"), std::string::npos) << v12.output;
  for (const char* old : {"-tls1_1", "-tls1"}) {
    auto r = diskret::test::s_client(port, std::string(old) + " -cipher DEFAULT@SECLEVEL=0");
    EXPECT_NE(r.status, 0) << old << ": " << r.output;
    EXPECT_EQ(r.output.find("Protocol version"), std::string::npos) << old << ": " << r.output;
  }
  RawClient plain(port);
  ASSERT_TRUE(plain.connected());
  EXPECT_FALSE(plain.request(get("/hello"))) << "plain HTTP answered on the TLS port";
  // The plain listener still works beside it.
  RawClient client(server_->port());
  EXPECT_TRUE(client.request(get("/hello")));
}

TEST_F(ServerTest, RefusesToStartWithAKeyThatIsNotTheCertificates) {
  diskret::test::SelfSignedCertificate a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.tls_listen = "127.0.0.1:0";
  config.tls.cert_file = a.cert();
  config.tls.key_file = b.key();
  Server server(config, router_.handler());
  auto started = server.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message().find(b.key()), std::string::npos)
      << started.error().message();
}

}  // namespace
}  // namespace diskret::http

#include "inbound/webhook_client.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <optional>

#include "inbound/webhook_signature.hpp"
#include "unit/inbound/webhook_receiver.hpp"

namespace diskret::inbound {
namespace {

using namespace std::chrono_literals;

using testing::Receiver;

WebhookTarget local_target(std::uint16_t port, std::string path = "/hook?x=1") {
  auto t =
      parse_webhook_url("http://127.0.0.1:" + std::to_string(port) + path, PrivateHosts::allow);
  EXPECT_TRUE(t);
  return *t;
}

std::future<PostOutcome> post(WebhookClient& client, WebhookTarget target, HeaderPairs headers,
                              std::string body) {
  auto promise = std::make_shared<std::promise<PostOutcome>>();
  auto future = promise->get_future();
  client.post(std::move(target), std::move(headers), std::move(body),
              [promise](PostOutcome out) { promise->set_value(std::move(out)); });
  return future;
}

WebhookClientConfig allow_local(std::chrono::milliseconds timeout = 5s) {
  WebhookClientConfig c;
  c.private_hosts = PrivateHosts::allow;
  c.timeout = timeout;
  return c;
}

TEST(WebhookClient, PostsJsonWithHeadersAndReportsTheStatus) {
  Receiver receiver(204);
  WebhookClient client(allow_local());
  ASSERT_TRUE(client.start());
  const std::string body = R"({"event":"message.inbound","id":"1"})";
  const std::string signature = sign_webhook("0123456789abcdef", 1700000000, body);
  auto f = post(client, local_target(receiver.port()),
                {{"Diskret-Signature", signature}, {"Diskret-Event-Id", "e1"}}, body);
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  const PostOutcome out = f.get();
  EXPECT_EQ(out.status, 204) << out.error;
  EXPECT_TRUE(out.ok());
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const http::Request& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/hook?x=1");
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(r.header("Diskret-Event-Id"), "e1");
  EXPECT_EQ(verify_webhook_signature(r.header("Diskret-Signature"), "0123456789abcdef", r.body,
                                     1700000000),
            SignatureCheck::valid);
}

TEST(WebhookClient, ReportsServerErrorsAsTheirStatus) {
  Receiver receiver(503);
  WebhookClient client(allow_local());
  ASSERT_TRUE(client.start());
  auto f = post(client, local_target(receiver.port()), {}, "{}");
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  const PostOutcome out = f.get();
  EXPECT_EQ(out.status, 503);
  EXPECT_FALSE(out.ok());
}

TEST(WebhookClient, RefusesNonPublicAddressesAfterResolving) {
  Receiver receiver;
  WebhookClientConfig config;  // private hosts refused
  WebhookClient client(config);
  ASSERT_TRUE(client.start());
  auto f = post(client, local_target(receiver.port()), {}, "{}");
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  const PostOutcome out = f.get();
  EXPECT_EQ(out.status, 0);
  EXPECT_NE(out.error.find("no public address"), std::string::npos) << out.error;
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(WebhookClient, ReportsRefusedConnections) {
  std::uint16_t port = 0;
  {
    Receiver gone;
    port = gone.port();
  }
  WebhookClient client(allow_local());
  ASSERT_TRUE(client.start());
  auto f = post(client, local_target(port), {}, "{}");
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  const PostOutcome out = f.get();
  EXPECT_EQ(out.status, 0);
  EXPECT_NE(out.error.find("connecting"), std::string::npos) << out.error;
  EXPECT_FALSE(out.cancelled);
}

TEST(WebhookClient, GivesUpAtTheDeadline) {
  Receiver receiver(200, /*hold=*/true);
  WebhookClient client(allow_local(300ms));
  ASSERT_TRUE(client.start());
  auto f = post(client, local_target(receiver.port()), {}, "{}");
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  const PostOutcome out = f.get();
  EXPECT_EQ(out.status, 0);
  EXPECT_NE(out.error.find("timed out"), std::string::npos) << out.error;
  EXPECT_GE(out.duration, 300ms);
}

TEST(WebhookClient, StopCancelsPostsInFlight) {
  Receiver receiver(200, /*hold=*/true);
  WebhookClient client(allow_local());
  ASSERT_TRUE(client.start());
  auto f = post(client, local_target(receiver.port()), {}, "{}");
  ASSERT_TRUE(receiver.wait_for_request(5s));
  client.stop();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(f.get().cancelled);
  auto later = post(client, local_target(receiver.port()), {}, "{}");
  ASSERT_EQ(later.wait_for(0s), std::future_status::ready);
  EXPECT_TRUE(later.get().cancelled);
}

TEST(WebhookClient, NeverSendsCrOrLfInHeaders) {
  Receiver receiver;
  WebhookClient client(allow_local());
  ASSERT_TRUE(client.start());
  auto f = post(client, local_target(receiver.port()), {{"X-Test", "a\r\nInjected: 1"}}, "{}");
  ASSERT_EQ(f.wait_for(0s), std::future_status::ready);
  const PostOutcome out = f.get();
  EXPECT_EQ(out.status, 0);
  EXPECT_FALSE(out.cancelled);
  WebhookTarget bad = local_target(receiver.port());
  bad.target = "/x\nHost: evil";
  auto g = post(client, bad, {}, "{}");
  ASSERT_EQ(g.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(g.get().status, 0);
  EXPECT_TRUE(receiver.requests().empty());
}

}  // namespace
}  // namespace diskret::inbound

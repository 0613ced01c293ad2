#pragma once
/// WebhookClient: POSTs one JSON body to a tenant's webhook over HTTP/1.1 or HTTPS and
/// reports the status code (or why there is none). One I/O thread, any number of posts in
/// flight, one connection per post, a deadline over the whole attempt (resolve, connect,
/// TLS, write, response header). Resolved addresses are checked like the URL's (no
/// loopback or private addresses unless allowed), so a name cannot smuggle in what a literal
/// address may not. Beast stays inside webhook_client.cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/expected.hpp"
#include "inbound/webhook_settings.hpp"

namespace diskret::inbound {

struct WebhookClientConfig {
  std::chrono::milliseconds timeout{10'000};  ///< per attempt, everything included
  PrivateHosts private_hosts = PrivateHosts::refuse;
  /// Extra trust anchors (PEM) besides the system store, for private CAs and tests.
  std::string ca_file;
  std::string user_agent = "diskret-webhooks/1";
};

struct PostOutcome {
  int status = 0;          ///< HTTP status of the answer; 0 when none came
  std::string error;       ///< why there is no answer (timeout, refused, TLS ...); no URL
  bool cancelled = false;  ///< stop() came first: not an attempt the receiver saw fail
  std::chrono::milliseconds duration{0};
  bool ok() const { return status >= 200 && status < 300; }
};

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

class WebhookClient {
 public:
  explicit WebhookClient(WebhookClientConfig config = {});
  ~WebhookClient();  ///< stop()s
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  /// Starts the I/O thread; fails when the TLS context or the CA file cannot be loaded.
  Expected<void> start();
  /// Sends `body` as application/json with `headers` (names and values must not contain
  /// CR, LF or NUL: such a post fails at once). `done` runs once on the I/O thread (or on
  /// the caller's thread when the client is not running, with `cancelled`).
  void post(WebhookTarget target, HeaderPairs headers, std::string body,
            std::function<void(PostOutcome)> done);
  /// Cancels posts in flight (their `done` gets `cancelled`) and joins the thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace diskret::inbound

// The Asio side of the SMPP server: one I/O thread owns every connection, throttle, held
// part and receipt queue, so none of them needs a lock. Pipeline callbacks arrive on the
// pipeline's writer thread and are posted here; they hold only a weak_ptr to the server.
#include "smpp_server/smpp_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "smpp/session.hpp"
#include "smpp_server/part_collector.hpp"
#include "smpp_server/receipts.hpp"
#include "smpp_server/submit.hpp"
#include "smpp_server/throttle.hpp"
#include "sms/text.hpp"

namespace diskret::smpp_server {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using smpp::Status;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr const char* kServerSystemId = "diskret";
constexpr std::chrono::seconds kRetryDelay{1};

enum class BindMode : std::uint8_t { none, transmitter, receiver, transceiver, failing };

bool can_submit(BindMode m) { return m == BindMode::transmitter || m == BindMode::transceiver; }
bool can_receive(BindMode m) { return m == BindMode::receiver || m == BindMode::transceiver; }

}  // namespace

struct SmppServer::Impl : std::enable_shared_from_this<Impl> {
  struct Connection {
    std::uint64_t id = 0;
    std::shared_ptr<smpp::Session> session;
    BindMode mode = BindMode::none;
    Credential credential;
    tenancy::TenantSettings settings;
    std::uint32_t receipts_out = 0;  // deliver_sm without response
  };
  struct Outgoing {
    smpp::DeliverSm pdu;
    SystemTime keep_until;
  };
  struct TenantQueue {
    std::deque<Outgoing> queue;
    std::size_t next_receiver = 0;
  };

  ServerConfig config;
  CredentialService& credentials;
  tenancy::TenantService& tenants;
  pipeline::Pipeline& pipeline;
  const Clock& clock;
  api::SendPolicy* send_policy = nullptr;

  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer housekeeping{io};
  std::thread thread;
  std::atomic<std::uint16_t> port{0};
  bool stopping = false;  // I/O thread

  // I/O thread only.
  std::uint64_t next_connection = 1;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::map<std::string, Throttle> throttles;  // by system_id
  PartCollector collector;
  std::map<std::uint64_t, ReceiptRequest> awaiting;  // message id (time-ordered) -> receipt wanted
  std::uint64_t poll_cursor = 0;                     // poll_statuses() resumes after this id
  std::unordered_map<std::uint64_t, TenantQueue> queues;  // by tenant
  std::uint64_t reference = 0;

  mutable std::mutex stats_mutex;
  ServerStats counters;

  Impl(ServerConfig c, CredentialService& cr, tenancy::TenantService& t, pipeline::Pipeline& p,
       const Clock& cl)
      : config(std::move(c)), credentials(cr), tenants(t), pipeline(p), clock(cl) {}

  template <typename F>
  void count(F&& f) {
    std::lock_guard lock(stats_mutex);
    f(counters);
  }

  // ---- listening -------------------------------------------------------------------

  Expected<void> listen() {
    const auto colon = config.listen.rfind(':');
    if (colon == std::string::npos) {
      return fail(Errc::invalid_argument, "smpp_listen must be host:port, got " + config.listen);
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(config.listen.substr(0, colon), ec);
    unsigned long port_number = 0;
    try {
      port_number = std::stoul(config.listen.substr(colon + 1));
    } catch (const std::exception&) {
      return fail(Errc::invalid_argument, "smpp_listen has no valid port: " + config.listen);
    }
    const tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port_number));
    if (!ec) acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return fail(Errc::unavailable,
                  fmt::format("SMPP server cannot listen on {}: {}", config.listen, ec.message()));
    }
    port = acceptor.local_endpoint().port();
    return {};
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer backoff(io);
    while (!stopping) {
      auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
      if (stopping) break;
      if (ec) {
        spdlog::warn("smpp server: accept failed: {}", ec.message());
        backoff.expires_after(std::chrono::milliseconds{50});
        co_await backoff.async_wait(kUseTuple);
        continue;
      }
      if (connections.size() >= config.max_connections) {
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      open_connection(std::move(socket));
    }
  }

  void open_connection(tcp::socket socket) {
    auto conn = std::make_shared<Connection>();
    conn->id = next_connection++;
    smpp::SessionOptions options;
    options.name = fmt::format("smpp-in#{}", conn->id);
    options.enquire_link_interval = config.enquire_link_interval;
    options.response_timeout = config.response_timeout;
    conn->session = smpp::Session::create(std::move(socket), options);
    connections.emplace(conn->id, conn);
    count([](ServerStats& s) { ++s.connections; });
    std::weak_ptr<Impl> weak = weak_from_this();
    const std::uint64_t id = conn->id;
    conn->session->start(
        [weak, id](smpp::Pdu&& pdu) {
          if (auto self = weak.lock()) self->on_request(id, std::move(pdu));
        },
        [weak, id](std::error_code) {
          if (auto self = weak.lock()) self->on_closed(id);
        });
  }

  // A revoked credential binds no more, and its open binds end now: unbind, then close.
  void drop_binds(const std::string& system_id) {
    for (auto& [id, c] : connections) {
      if (c->mode == BindMode::none || c->mode == BindMode::failing) continue;
      if (c->credential.system_id != system_id) continue;
      spdlog::info("smpp server: credential {} revoked, unbinding connection {}", system_id, id);
      c->mode = BindMode::failing;  // submits still arriving are refused as unbound
      asio::co_spawn(
          io,
          [session = c->session]() -> asio::awaitable<void> {
            co_await session->unbind(std::chrono::milliseconds{1'000});
          },
          asio::detached);
    }
  }

  void on_closed(std::uint64_t id) {
    connections.erase(id);
    collector.forget_connection(id);
  }

  std::shared_ptr<Connection> find(std::uint64_t id) {
    auto it = connections.find(id);
    return it == connections.end() ? nullptr : it->second;
  }

  // ---- requests --------------------------------------------------------------------

  void on_request(std::uint64_t id, smpp::Pdu&& pdu) {
    auto conn = find(id);
    if (!conn || conn->mode == BindMode::failing) return;
    const std::uint32_t seq = pdu.sequence_number;
    if (auto* b = std::get_if<smpp::BindTransmitter>(&pdu.body)) {
      return on_bind(*conn, seq, BindMode::transmitter, *b);
    }
    if (auto* b = std::get_if<smpp::BindReceiver>(&pdu.body)) {
      return on_bind(*conn, seq, BindMode::receiver, *b);
    }
    if (auto* b = std::get_if<smpp::BindTransceiver>(&pdu.body)) {
      return on_bind(*conn, seq, BindMode::transceiver, *b);
    }
    if (auto* s = std::get_if<smpp::SubmitSm>(&pdu.body))
      return on_submit(*conn, seq, std::move(*s));
    conn->session->respond(seq, Status::invalid_command_id, smpp::GenericNack{});
  }

  static smpp::Body bind_resp(BindMode mode, std::string system_id) {
    smpp::BindRespBody body;
    body.system_id = std::move(system_id);
    body.tlvs.sc_interface_version = 0x34;
    switch (mode) {
      case BindMode::receiver:
        return smpp::BindReceiverResp{body};
      case BindMode::transceiver:
        return smpp::BindTransceiverResp{body};
      default:
        return smpp::BindTransmitterResp{body};
    }
  }

  void on_bind(Connection& conn, std::uint32_t seq, BindMode mode, const smpp::BindBody& bind) {
    if (conn.mode != BindMode::none) {
      conn.session->respond(seq, Status::already_bound, bind_resp(mode, {}));
      return;
    }
    // A blocking lookup of one indexed row: binds are rare next to submits.
    auto credential = credentials.verify(bind.system_id, bind.password);
    Expected<tenancy::Tenant> tenant =
        credential ? tenants.get_tenant(credential->tenant)
                   : Expected<tenancy::Tenant>(unexpected(credential.error()));
    if (!credential || !tenant) {
      count([](ServerStats& s) { ++s.bind_failures; });
      const bool refused =
          !credential && credential.error().code == make_error_code(Errc::permission_denied);
      spdlog::info("smpp server: {} bind refused ({})", conn.session->name(),
                   refused ? "bad credentials" : "lookup failed");
      conn.mode = BindMode::failing;
      // The delay slows down password guessing; the connection closes after the answer.
      auto session = conn.session;
      auto timer = std::make_shared<asio::steady_timer>(io, config.bind_fail_delay);
      timer->async_wait([timer, session, seq, mode, refused](boost::system::error_code) {
        session->respond(seq, refused ? Status::bind_failed : Status::system_error,
                         bind_resp(mode, {}));
        session->close_after_flush(smpp::SessionErrc::closed);
      });
      return;
    }
    conn.mode = mode;
    conn.credential = std::move(*credential);
    conn.settings = tenant->settings;
    throttles.try_emplace(conn.credential.system_id,
                          conn.credential.window ? conn.credential.window : config.default_window,
                          conn.credential.tps ? conn.credential.tps : config.default_tps);
    count([](ServerStats& s) { ++s.binds; });
    spdlog::info("smpp server: {} bound as {} ({})", conn.session->name(),
                 mode == BindMode::transmitter ? "transmitter"
                 : mode == BindMode::receiver  ? "receiver"
                                               : "transceiver",
                 conn.credential.system_id);
    conn.session->respond(seq, Status::ok, bind_resp(mode, kServerSystemId));
    if (can_receive(mode)) pump(conn.credential.tenant.value);
  }

  void on_submit(Connection& conn, std::uint32_t seq, smpp::SubmitSm&& pdu) {
    if (!can_submit(conn.mode)) {
      conn.session->respond(seq, Status::invalid_bind_status, smpp::SubmitSmResp{});
      return;
    }
    count([](ServerStats& s) { ++s.submits; });
    Throttle& throttle = throttles.at(conn.credential.system_id);
    if (!throttle.try_begin(std::chrono::steady_clock::now())) {
      count([](ServerStats& s) { ++s.throttled; });
      conn.session->respond(seq, Status::throttled, smpp::SubmitSmResp{});
      return;
    }
    auto part = read_submit(pdu, clock.now());
    if (!part) return answer(conn.credential.system_id, {conn.id, seq}, part.error(), {});
    const HeldPart held{conn.id, seq};
    if (!part->concat) {
      std::string text = part->text;
      return accept(conn, std::move(*part), std::move(text), {held}, pdu);
    }
    bool refused = false;
    auto complete = collector.add(conn.credential.system_id, std::move(*part), held,
                                  std::chrono::steady_clock::now(), &refused);
    if (refused) return answer(conn.credential.system_id, held, Status::message_queue_full, {});
    if (complete) {
      accept(conn, std::move(complete->first), std::move(complete->text),
             std::move(complete->parts), pdu);
    }
  }

  // The opt-out list, as for POST /v1/messages (a submit_sm is transactional: consent is
  // not asked, an opt-out is). One index read on the I/O thread.
  Expected<pipeline::NewMessage, Status> screen(const Connection& conn,
                                                 pipeline::NewMessage message) {
    if (!send_policy) return message;
    api::Caller caller;
    caller.principal.tenant = conn.credential.tenant;
    caller.principal.role = tenancy::Role::sender;
    caller.settings = conn.settings;
    std::vector<pipeline::NewMessage> one;
    one.push_back(std::move(message));
    if (!send_policy->screen(caller, one)) return unexpected(Status::system_error);
    if (one.front().rejected) {
      count([](ServerStats& s) { ++s.refused_opted_out; });
      return unexpected(Status::submit_failed);
    }
    return std::move(one.front());
  }

  void accept(Connection& conn, SubmitPart&& first, std::string text, std::vector<HeldPart> parts,
              const smpp::SubmitSm& pdu) {
    const std::string system_id = conn.credential.system_id;
    auto message = plan_submit(first, std::move(text), conn.settings);
    if (message) message = screen(conn, std::move(*message));
    if (!message) {
      for (const auto& h : parts) answer(system_id, h, message.error(), {});
      return;
    }
    std::optional<ReceiptRequest> receipt;
    if (first.wants_receipt) {
      ReceiptRequest r;
      r.tenant = conn.credential.tenant;
      r.source_addr = pdu.source_addr;
      r.source_ton = pdu.source_addr_ton;
      r.source_npi = pdu.source_addr_npi;
      r.destination_addr = pdu.destination_addr;
      r.dest_ton = pdu.dest_addr_ton;
      r.dest_npi = pdu.dest_addr_npi;
      r.submitted_at = clock.now();
      r.keep_until = message->expires_at ? *message->expires_at + std::chrono::hours{1}
                                         : r.submitted_at + config.receipt_keep;
      receipt = std::move(r);
    }
    pipeline::AcceptRequest request;
    request.tenant = conn.credential.tenant;
    request.messages.push_back(std::move(*message));
    const auto ids = pipeline.preassign(1);
    std::weak_ptr<Impl> weak = weak_from_this();
    pipeline.accept(std::move(request), ids,
                    [weak, system_id, parts = std::move(parts), receipt = std::move(receipt),
                     id = ids.front()](Expected<pipeline::AcceptResult> result) mutable {
                      auto self = weak.lock();
                      if (!self) return;
                      // Runs on the pipeline thread: hand the answer to the I/O thread.
                      asio::post(self->io, [self, system_id = std::move(system_id),
                                            parts = std::move(parts), receipt = std::move(receipt),
                                            id, ok = result.has_value()]() mutable {
                        self->accepted(system_id, parts, std::move(receipt), id, ok);
                      });
                    });
  }

  void accepted(const std::string& system_id, const std::vector<HeldPart>& parts,
                std::optional<ReceiptRequest> receipt, pipeline::MessageId id, bool ok) {
    if (ok) {
      count([](ServerStats& s) { ++s.submits_accepted; });
      if (receipt) awaiting.emplace(id.value, std::move(*receipt));
    }
    // ESME_RSYSERR is transient for ESMEs: they submit again later.
    const std::string message_id = ok ? pipeline::format_message_id(id) : std::string();
    for (const auto& h : parts)
      answer(system_id, h, ok ? Status::ok : Status::system_error, message_id);
  }

  // Answers one held submit (if its connection is still open) and frees its window slot.
  void answer(const std::string& system_id, HeldPart held, Status status, std::string message_id) {
    if (auto it = throttles.find(system_id); it != throttles.end()) it->second.end();
    auto conn = find(held.connection);
    if (!conn) return;
    conn->session->respond(held.sequence, status, smpp::SubmitSmResp{std::move(message_id)});
  }

  // ---- receipts and inbound --------------------------------------------------------

  void on_status(pipeline::MessageId id, pipeline::MessageStatus status) {
    if (!pipeline::is_final(status)) return;
    auto it = awaiting.find(id.value);
    if (it == awaiting.end()) return;
    const ReceiptRequest request = std::move(it->second);
    awaiting.erase(it);
    enqueue(request.tenant.value,
            Outgoing{build_receipt(id, request, status, clock.now()), request.keep_until});
  }

  // "+4915..." -> international digits; other digits (short codes) -> unknown TON, ISDN;
  // anything else (a sender name) -> alphanumeric.
  static void set_address(const std::string& address, std::string& out, std::uint8_t& ton,
                          std::uint8_t& npi) {
    const bool international = address.size() > 1 && address[0] == '+';
    out = international ? address.substr(1) : address;
    const bool digits = !out.empty() && out.find_first_not_of("0123456789") == std::string::npos;
    ton = international && digits ? 1 : digits ? 0 : 5;
    npi = digits ? 1 : 0;
  }

  void on_inbound(pipeline::TenantId tenant, const std::string& from, const std::string& to,
                  const std::string& text) {
    sms::EncodeOptions options;
    options.concatenation = sms::Concatenation::payload;
    options.max_segments = 255;
    auto encoded = sms::encode(text, options);
    if (!encoded || encoded->parts.empty()) {
      spdlog::warn("smpp server: inbound message not encodable for a deliver_sm, dropped");
      return;
    }
    smpp::DeliverSm pdu;
    set_address(from, pdu.source_addr, pdu.source_addr_ton, pdu.source_addr_npi);
    set_address(to, pdu.destination_addr, pdu.dest_addr_ton, pdu.dest_addr_npi);
    pdu.data_coding = encoded->data_coding;
    if (encoded->use_payload) {
      pdu.tlvs.message_payload = encoded->parts.front();
    } else {
      pdu.short_message = encoded->parts.front();
    }
    enqueue(tenant.value, Outgoing{std::move(pdu), clock.now() + config.receipt_keep});
  }

  void enqueue(std::uint64_t tenant, Outgoing&& out) {
    TenantQueue& q = queues[tenant];
    if (q.queue.size() >= config.max_queued_receipts) {
      q.queue.pop_front();
      count([](ServerStats& s) { ++s.receipts_dropped; });
    }
    q.queue.push_back(std::move(out));
    count([](ServerStats& s) { ++s.receipts_queued; });
    pump(tenant);
  }

  // Hands queued deliver_sm to the tenant's receiver binds, round robin, each bind up to
  // receipt_window unanswered. Failed or refused ones go back to the front of the queue.
  void pump(std::uint64_t tenant) {
    auto qit = queues.find(tenant);
    if (qit == queues.end()) return;
    TenantQueue& q = qit->second;
    std::vector<std::shared_ptr<Connection>> receivers;
    for (auto& [id, c] : connections) {
      if (can_receive(c->mode) && c->credential.tenant.value == tenant && c->session->is_open()) {
        receivers.push_back(c);
      }
    }
    if (receivers.empty()) return;
    const SystemTime now = clock.now();
    std::size_t blocked = 0;
    while (!q.queue.empty() && blocked < receivers.size()) {
      auto& conn = receivers[q.next_receiver++ % receivers.size()];
      if (conn->receipts_out >= config.receipt_window) {
        ++blocked;
        continue;
      }
      blocked = 0;
      Outgoing out = std::move(q.queue.front());
      q.queue.pop_front();
      if (out.keep_until < now) {
        count([](ServerStats& s) { ++s.receipts_dropped; });
        continue;
      }
      smpp::Pdu pdu;
      pdu.body = out.pdu;
      ++conn->receipts_out;
      std::weak_ptr<Impl> weak = weak_from_this();
      std::weak_ptr<Connection> weak_conn = conn;
      conn->session->send_request(pdu, [weak, weak_conn, tenant, out = std::move(out)](
                                           std::error_code ec, smpp::Pdu&& resp) mutable {
        auto self = weak.lock();
        if (!self) return;
        if (auto c = weak_conn.lock(); c && c->receipts_out > 0) --c->receipts_out;
        if (!ec && resp.command_status == 0) {
          self->count([](ServerStats& s) { ++s.receipts_sent; });
          asio::post(self->io, [self, tenant] { self->pump(tenant); });
          return;
        }
        // Not taken: keep it for the next bind or a retry shortly.
        self->queues[tenant].queue.push_front(std::move(out));
        self->retry_later(tenant);
      });
    }
  }

  void retry_later(std::uint64_t tenant) {
    auto timer = std::make_shared<asio::steady_timer>(io, kRetryDelay);
    std::weak_ptr<Impl> weak = weak_from_this();
    timer->async_wait([timer, weak, tenant](boost::system::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->pump(tenant);
    });
  }

  // ---- housekeeping ----------------------------------------------------------------

  asio::awaitable<void> housekeeping_loop() {
    using namespace std::chrono;
    const auto tick = config.status_poll.count() > 0 ? config.status_poll : milliseconds{1'000};
    while (!stopping) {
      housekeeping.expires_after(tick);
      co_await housekeeping.async_wait(kUseTuple);  // cancelled only at stop
      if (stopping) break;
      for (const HeldPart& h : collector.expire(steady_clock::now(), config.concat_timeout)) {
        auto conn = find(h.connection);
        answer(conn ? conn->credential.system_id : std::string(), h, Status::submit_failed, {});
      }
      if (config.status_poll.count() > 0) poll_statuses();
      const SystemTime now = clock.now();
      std::erase_if(awaiting, [&](const auto& kv) { return kv.second.keep_until < now; });
    }
  }

  // Fallback for pipelines without status events: reads the status of waiting messages,
  // a bounded slice per tick, resuming where the last tick stopped so none starves.
  void poll_statuses() {
    constexpr std::size_t kPerTick = 2'000;
    std::vector<std::pair<pipeline::MessageId, pipeline::MessageStatus>> done;
    auto it = awaiting.upper_bound(poll_cursor);
    if (it == awaiting.end()) it = awaiting.begin();  // start the next pass
    for (std::size_t looked = 0; looked < kPerTick && it != awaiting.end(); ++looked, ++it) {
      poll_cursor = it->first;
      auto view = pipeline.get(it->second.tenant, pipeline::MessageId{it->first});
      if (view && pipeline::is_final(view->status)) done.emplace_back(view->id, view->status);
    }
    if (it == awaiting.end()) poll_cursor = 0;
    for (const auto& [id, status] : done) on_status(id, status);
  }

  void shutdown() {
    stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    housekeeping.cancel();
    auto all = connections;
    for (auto& [id, c] : all) c->session->close();
  }
};

SmppServer::SmppServer(ServerConfig config, CredentialService& credentials,
                       tenancy::TenantService& tenants, pipeline::Pipeline& pipeline,
                       const Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(config), credentials, tenants, pipeline, clock)) {}

SmppServer::~SmppServer() { stop(); }

Expected<void> SmppServer::start() {
  if (impl_->thread.joinable()) return {};
  auto ok = impl_->listen();
  if (!ok) return ok;
  auto impl = impl_;
  auto report = [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("smpp server: {}", ex.what());
    }
  };
  std::weak_ptr<Impl> weak = impl_;
  impl->credentials.on_revoke([weak](const std::string& system_id) {
    auto self = weak.lock();
    if (!self) return;
    asio::post(self->io, [weak, system_id] {
      if (auto s = weak.lock()) s->drop_binds(system_id);
    });
  });
  asio::co_spawn(
      impl->io, [impl] { return impl->accept_loop(); }, report);
  asio::co_spawn(
      impl->io, [impl] { return impl->housekeeping_loop(); }, report);
  impl_->thread = std::thread([impl] { impl->io.run(); });
  spdlog::info("smpp server: listening on port {}", impl_->port.load());
  return {};
}

void SmppServer::stop() {
  if (!impl_->thread.joinable()) return;
  auto impl = impl_;
  asio::post(impl->io, [impl] { impl->shutdown(); });
  // Give the sessions a moment to flush their close, then end the loop.
  auto timer = std::make_shared<asio::steady_timer>(impl->io, std::chrono::milliseconds{100});
  timer->async_wait([timer, impl](boost::system::error_code) { impl->io.stop(); });
  impl_->thread.join();
}

void SmppServer::set_send_policy(api::SendPolicy* policy) { impl_->send_policy = policy; }

std::uint16_t SmppServer::port() const { return impl_->port.load(); }

void SmppServer::notify_status(pipeline::MessageId id, pipeline::MessageStatus status) {
  std::weak_ptr<Impl> weak = impl_;
  asio::post(impl_->io, [weak, id, status] {
    if (auto self = weak.lock()) self->on_status(id, status);
  });
}

void SmppServer::notify_inbound(pipeline::TenantId tenant, std::string from, std::string to,
                                std::string text) {
  std::weak_ptr<Impl> weak = impl_;
  asio::post(impl_->io,
             [weak, tenant, from = std::move(from), to = std::move(to), text = std::move(text)] {
               if (auto self = weak.lock()) self->on_inbound(tenant, from, to, text);
             });
}

ServerStats SmppServer::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->counters;
}

}  // namespace diskret::smpp_server

// The Asio side of the SMPP server: one I/O thread owns every connection, throttle, held
// part and receipt queue, so none of them needs a lock. Pipeline callbacks arrive on the
// pipeline's writer thread and are posted here; they hold only a weak_ptr to the server.
#include "smpp_server/smpp_server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/thread_name.hpp"
#include "crypto/secret_box.hpp"
#include "io/tls.hpp"
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
constexpr std::size_t kOutboxBatch = 1'000;  // outbox rows claimed into memory at once
constexpr std::size_t kDeleteBatch = 256;    // delivered outbox rows deleted in one commit

std::int64_t to_ms(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

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
    std::string ip;                  // the client's address (connection cap per address)
    std::chrono::steady_clock::time_point opened;
  };
  struct Outgoing {
    smpp::DeliverSm pdu;
    SystemTime keep_until;
    std::uint64_t outbox_id = 0;  // its row in the outbox, deleted once delivered
  };
  struct TenantQueue {
    std::deque<Outgoing> queue;
    std::size_t next_receiver = 0;
    bool outbox_more = false;  // the last claim was a full batch
  };

  ServerConfig config;
  CredentialService& credentials;
  tenancy::TenantService& tenants;
  pipeline::Pipeline& pipeline;
  const Clock& clock;
  api::SendPolicy* send_policy = nullptr;
  store::SmppOutboxStore* outbox = nullptr;
  store::KeyRing* keys = nullptr;
  store::MessageNotes* notes = nullptr;

  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  tcp::acceptor tls_acceptor{io};
  asio::ssl::context tls_context{asio::ssl::context::tls_server};
  asio::steady_timer housekeeping{io};
  asio::steady_timer outbox_timer{io};
  std::thread thread;
  std::atomic<std::uint16_t> port{0};
  std::atomic<std::uint16_t> tls_port{0};
  bool stopping = false;  // I/O thread

  // I/O thread only.
  std::uint64_t next_connection = 1;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections;
  std::size_t handshaking = 0;  // TLS connections before their session exists
  std::unordered_map<std::string, std::size_t> per_ip;  // open connections per address
  std::map<std::string, Throttle> throttles;  // by system_id
  PartCollector collector;
  // Receipt requests held in memory only (no message notes, or no key to seal one with):
  // message id (time-ordered) -> receipt wanted. The others are in the database.
  std::map<std::uint64_t, ReceiptRequest> awaiting;
  std::uint64_t poll_cursor = 0;                     // poll_statuses() resumes after this id
  std::unordered_map<std::uint64_t, TenantQueue> queues;  // by tenant
  std::unordered_set<std::uint64_t> claimed;  // outbox rows this server holds, undelivered
  std::vector<std::uint64_t> delivered;       // outbox rows delivered, to delete
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
    if (!config.tls_listen.empty()) {
      if (auto ok = io::configure_server(tls_context, config.tls, "SMPP over TLS"); !ok) return ok;
      auto bound = listen_on(tls_acceptor, config.tls_listen, "smpps_listen");
      if (!bound) return unexpected(bound.error());
      tls_port = *bound;
    }
    if (config.listen.empty()) return {};
    auto bound = listen_on(acceptor, config.listen, "smpp_listen");
    if (!bound) return unexpected(bound.error());
    port = *bound;
    return {};
  }

  Expected<std::uint16_t> listen_on(tcp::acceptor& a, const std::string& listen,
                                    const char* key) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return fail(Errc::invalid_argument, fmt::format("{} must be host:port, got {}", key, listen));
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(listen.substr(0, colon), ec);
    unsigned long port_number = 0;
    try {
      port_number = std::stoul(listen.substr(colon + 1));
    } catch (const std::exception&) {
      return fail(Errc::invalid_argument, fmt::format("{} has no valid port: {}", key, listen));
    }
    const tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port_number));
    if (!ec) a.open(endpoint.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(endpoint, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return fail(Errc::unavailable,
                  fmt::format("SMPP server cannot listen on {}: {}", listen, ec.message()));
    }
    return a.local_endpoint().port();
  }

  asio::awaitable<void> accept_loop(tcp::acceptor& from, bool tls) {
    asio::steady_timer backoff(io);
    while (!stopping) {
      auto [ec, socket] = co_await from.async_accept(kUseTuple);
      if (stopping) break;
      if (ec) {
        spdlog::warn("smpp server: accept failed: {}", ec.message());
        backoff.expires_after(std::chrono::milliseconds{50});
        co_await backoff.async_wait(kUseTuple);
        continue;
      }
      boost::system::error_code ignored;
      auto remote = socket.remote_endpoint(ignored);
      const std::string ip = ignored ? std::string() : remote.address().to_string();
      const auto from_ip = per_ip.find(ip);
      if (connections.size() + handshaking >= config.max_connections ||
          (config.max_connections_per_ip != 0 && from_ip != per_ip.end() &&
           from_ip->second >= config.max_connections_per_ip)) {
        socket.close(ignored);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls) {
        ++handshaking;
        // A plain pointer, as for the loops (SmppServer::start()).
        asio::co_spawn(
            io, [this, s = std::move(socket)]() mutable { return handshake(std::move(s)); },
            asio::detached);
        continue;
      }
      auto session = smpp::Session::create(std::move(socket), session_options());
      open_connection(std::move(session), ip);
    }
  }

  smpp::SessionOptions session_options() {
    smpp::SessionOptions options;
    options.name = fmt::format("smpp-in#{}", next_connection);
    options.enquire_link_interval = config.enquire_link_interval;
    options.response_timeout = config.response_timeout;
    return options;
  }

  // The TLS handshake gets its own deadline: a client that connects and says nothing must
  // not hold a connection slot for longer.
  asio::awaitable<void> handshake(tcp::socket socket) {
    using namespace asio::experimental::awaitable_operators;
    smpp::Session::TlsSocket stream(std::move(socket), tls_context);
    asio::steady_timer deadline(io, config.tls_handshake_timeout);
    auto done = co_await (stream.async_handshake(asio::ssl::stream_base::server, kUseTuple) ||
                          deadline.async_wait(kUseTuple));
    --handshaking;
    const bool ok = done.index() == 0 && !std::get<0>(std::get<0>(done));
    if (!ok || stopping) {
      if (!ok) {
        count([](ServerStats& s) { ++s.tls_handshake_failures; });
        spdlog::info("smpp server: TLS handshake failed ({})",
                     done.index() == 1 ? std::string("timeout")
                                       : std::get<0>(std::get<0>(done)).message());
      }
      boost::system::error_code ignored;
      stream.next_layer().close(ignored);
      co_return;
    }
    count([](ServerStats& s) { ++s.tls_connections; });
    boost::system::error_code ec;
    auto remote = stream.next_layer().remote_endpoint(ec);
    std::string ip = ec ? std::string() : remote.address().to_string();
    open_connection(smpp::Session::create(std::move(stream), session_options()), std::move(ip));
  }

  void open_connection(std::shared_ptr<smpp::Session> session, std::string ip) {
    auto conn = std::make_shared<Connection>();
    conn->id = next_connection++;
    conn->session = std::move(session);
    conn->opened = std::chrono::steady_clock::now();
    ++per_ip[ip];
    conn->ip = std::move(ip);
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

  // A connection that never binds (or only fails to) must not hold a slot for ever: a
  // client answering enquire_link without binding would otherwise never time out.
  void close_unbound(std::chrono::steady_clock::time_point now) {
    std::vector<std::shared_ptr<Connection>> idle;
    for (auto& [id, c] : connections) {
      if (c->mode == BindMode::none && now - c->opened >= config.bind_timeout) idle.push_back(c);
    }
    for (auto& c : idle) {
      spdlog::info("smpp server: connection {} did not bind within {} ms; closing", c->id,
                   config.bind_timeout.count());
      c->session->close();
    }
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
    std::optional<std::uint64_t> receiver_of;  // the tenant, if it was a receiver bind
    if (auto it = connections.find(id); it != connections.end()) {
      if (auto ip = per_ip.find(it->second->ip); ip != per_ip.end() && --ip->second == 0) {
        per_ip.erase(ip);
      }
      if (can_receive(it->second->mode)) receiver_of = it->second->credential.tenant.value;
    }
    connections.erase(id);
    collector.forget_connection(id);
    // Its last receiver gone, what this server holds for the tenant goes back (pump()).
    if (receiver_of && !stopping) pump(*receiver_of);
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
    if (can_receive(mode)) {
      claim_outbox(conn.credential.tenant.value);
      pump(conn.credential.tenant.value);
    }
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
    // The connection and the (first part's) submit_sm sequence number: the log lines of the
    // message match the client's own.
    request.request_id =
        fmt::format("smpp-{}-{}", conn.id, parts.empty() ? 0u : parts.front().sequence);
    request.messages.push_back(std::move(*message));
    const auto ids = pipeline.preassign(1);
    bool stored = false;
    if (receipt) {
      if (auto note = receipt_note(ids.front(), *receipt)) {
        // Durable with the message: the submit_sm_resp waits for this commit.
        request.write_with = [notes = this->notes, note = std::move(*note)](
                                 store::WriteTransaction& tx) { return notes->insert(tx, note); };
        stored = true;
      }
    }
    std::weak_ptr<Impl> weak = weak_from_this();
    pipeline.accept(std::move(request), ids,
                    [weak, system_id, parts = std::move(parts), receipt = std::move(receipt),
                     id = ids.front(), stored](Expected<pipeline::AcceptResult> result) mutable {
                      auto self = weak.lock();
                      if (!self) return;
                      // Runs on the pipeline thread: hand the answer to the I/O thread.
                      // Handlers in the loop hold the server weakly: a strong one left
                      // queued when the loop ends would keep it (and its loop) alive.
                      asio::post(self->io, [weak, system_id = std::move(system_id),
                                            parts = std::move(parts), receipt = std::move(receipt),
                                            id, stored, ok = result.has_value()]() mutable {
                        if (auto s = weak.lock()) {
                          s->accepted(system_id, parts, std::move(receipt), id, ok, stored);
                        }
                      });
                    });
  }

  // The receipt request as a note for the accepting transaction; none without a place to
  // keep it (then the housekeeping tick saves it).
  std::optional<store::MessageNote> receipt_note(pipeline::MessageId id, const ReceiptRequest& r) {
    if (!notes || !outbox || !keys) return std::nullopt;
    auto tenant_keys = keys->tenant(r.tenant.value);
    if (!tenant_keys) return std::nullopt;
    store::MessageNote n;
    n.kind = store::MessageNote::Kind::smpp_receipt;
    n.message_id = id.value;
    n.tenant_id = r.tenant.value;
    n.keep_until = to_ms(r.keep_until);
    n.sealed = crypto::seal((*tenant_keys)->data_key, encode_request(r),
                            request_ad(r.tenant.value, id.value));
    return n;
  }

  void accepted(const std::string& system_id, const std::vector<HeldPart>& parts,
                std::optional<ReceiptRequest> receipt, pipeline::MessageId id, bool ok,
                bool stored) {
    if (ok) {
      count([](ServerStats& s) { ++s.submits_accepted; });
      // A stored request becomes its receipt in the final status's transaction.
      if (receipt && !stored) awaiting.emplace(id.value, std::move(*receipt));
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

  bool has_receiver(std::uint64_t tenant) const {
    for (const auto& [id, c] : connections) {
      if (can_receive(c->mode) && c->credential.tenant.value == tenant && c->session->is_open()) {
        return true;
      }
    }
    return false;
  }

  // One blocking insert on the I/O thread: only while the tenant has no receiver bound.
  bool store(std::uint64_t tenant, const Outgoing& out) {
    if (!outbox || !keys) return false;
    auto tenant_keys = keys->tenant(tenant);
    if (!tenant_keys) return false;
    std::vector<std::uint8_t> bytes;
    smpp::encode_to(smpp::Pdu{0, 0, out.pdu}, bytes);
    const std::string sealed = crypto::seal(
        (*tenant_keys)->data_key,
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
        outbox_ad(tenant));
    auto id = outbox->add(tenant, to_ms(out.keep_until), sealed);
    if (!id) {
      spdlog::warn("smpp server: cannot store a deliver_sm for later: {}", id.error().message());
      return false;
    }
    count([](ServerStats& s) { ++s.receipts_stored; });
    return true;
  }

  // Outbox rows of the tenant that nobody holds, into its memory queue behind what is
  // there, held by this server for outbox_claim. Unreadable rows are deleted here.
  void claim_outbox(std::uint64_t tenant) {
    if (!outbox || !keys) return;
    TenantQueue& q = queues[tenant];
    if (q.queue.size() >= kOutboxBatch / 2) return;  // enough to send for now
    auto tenant_keys = keys->tenant(tenant);
    if (!tenant_keys && tenant_keys.error().code != make_error_code(Errc::not_found)) {
      spdlog::warn("smpp server: cannot read the tenant's key: {}", tenant_keys.error().message());
      return;  // the key store is away: the next look claims them
    }
    const std::int64_t now = clock.now_ms();
    const std::size_t limit = kOutboxBatch - q.queue.size();
    auto rows = outbox->claim(tenant, now, now + config.outbox_claim.count(), limit);
    if (!rows) {
      spdlog::warn("smpp server: cannot read stored deliver_sm: {}", rows.error().message());
      return;
    }
    q.outbox_more = rows->size() == limit;
    std::vector<std::uint64_t> unreadable;
    for (auto& row : *rows) {
      std::optional<smpp::DeliverSm> pdu;
      if (tenant_keys) {
        auto plain = crypto::open((*tenant_keys)->data_key, row.sealed_pdu, outbox_ad(tenant));
        if (plain) {
          auto decoded = smpp::decode(std::span<const std::uint8_t>(
              reinterpret_cast<const std::uint8_t*>(plain->data()), plain->size()));
          if (decoded) {
            if (auto* d = std::get_if<smpp::DeliverSm>(&decoded->body)) pdu = std::move(*d);
          }
        }
      }
      if (!pdu) {  // the tenant's key is gone (offboarded) or the row is damaged
        unreadable.push_back(row.id);
        count([](ServerStats& s) { ++s.receipts_dropped; });
        continue;
      }
      claimed.insert(row.id);
      q.queue.push_back(Outgoing{std::move(*pdu),
                                 SystemTime{std::chrono::milliseconds{row.keep_until}}, row.id});
    }
    (void)outbox->remove(unreadable);
  }

  // A stored deliver_sm was answered (or can never be): deleted with the next batch.
  void forget_stored(const Outgoing& out) {
    if (out.outbox_id == 0 || !outbox) return;
    claimed.erase(out.outbox_id);
    delivered.push_back(out.outbox_id);
    if (delivered.size() >= kDeleteBatch) flush_delivered();
  }

  void flush_delivered() {
    if (delivered.empty()) return;
    if (auto ok = outbox->remove(delivered); !ok) {  // kept for the next try
      spdlog::warn("smpp server: cannot delete delivered deliver_sm: {}", ok.error().message());
      return;
    }
    delivered.clear();
  }

  // No receiver of the tenant is bound here any more: the outbox rows this server holds
  // for it go back (for whichever node the customer binds to next), and what is in memory
  // only is stored. Nothing without an outbox.
  void give_back(std::uint64_t tenant, TenantQueue& q) {
    if (!outbox || !keys || q.queue.empty()) return;
    std::vector<std::uint64_t> ids;
    for (const auto& out : q.queue) {
      if (out.outbox_id != 0) ids.push_back(out.outbox_id);
    }
    if (auto ok = outbox->release(ids); !ok) {
      spdlog::warn("smpp server: cannot give back stored deliver_sm: {}", ok.error().message());
      return;  // still held here; the claim runs out if this server never gets them out
    }
    for (std::uint64_t id : ids) claimed.erase(id);
    std::deque<Outgoing> kept;  // in memory only, and the outbox refused them
    for (auto& out : q.queue) {
      if (out.outbox_id == 0 && !store(tenant, out)) kept.push_back(std::move(out));
    }
    q.queue = std::move(kept);
    q.outbox_more = false;
  }

  std::vector<std::uint64_t> bound_tenants() const {
    std::vector<std::uint64_t> out;
    for (const auto& [id, c] : connections) {
      if (can_receive(c->mode) && c->session->is_open()) out.push_back(c->credential.tenant.value);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  void enqueue(std::uint64_t tenant, Outgoing&& out) {
    if (outbox && !has_receiver(tenant) && store(tenant, out)) return;
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
    if (receivers.empty()) {
      if (!stopping) give_back(tenant, q);
      return;
    }
    if (q.outbox_more && q.queue.size() < kOutboxBatch / 2) claim_outbox(tenant);
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
        forget_stored(out);
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
          self->forget_stored(out);
          self->count([](ServerStats& s) { ++s.receipts_sent; });
          asio::post(self->io, [weak, tenant] {
            if (auto s = weak.lock()) s->pump(tenant);
          });
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
      close_unbound(steady_clock::now());
      const SystemTime now = clock.now();
      std::erase_if(awaiting, [&](const auto& kv) { return kv.second.keep_until < now; });
      if (outbox) {
        if (auto gone = outbox->forget_requests(clock.now_ms()); !gone) {
          spdlog::warn("smpp server: cannot delete expired receipt requests: {}",
                       gone.error().message());
        }
      }
    }
  }

  // Receipts other nodes made (or gave back) for the tenants bound here, and the deletes
  // of delivered rows.
  asio::awaitable<void> outbox_loop() {
    while (!stopping) {
      outbox_timer.expires_after(config.outbox_poll);
      co_await outbox_timer.async_wait(kUseTuple);  // cancelled only at stop
      if (stopping) break;
      flush_delivered();
      for (std::uint64_t tenant : bound_tenants()) {
        claim_outbox(tenant);
        pump(tenant);
      }
    }
  }

  void on_outbox(const std::vector<std::uint64_t>& with_new_rows) {
    if (stopping) return;
    for (std::uint64_t tenant : with_new_rows) {
      if (!has_receiver(tenant)) continue;  // another node's receiver claims them
      claim_outbox(tenant);
      pump(tenant);
    }
  }

  // For requests held in memory, with pipelines without status events: reads the status of
  // waiting messages, a bounded slice per tick, resuming where the last tick stopped so
  // none starves.
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
    tls_acceptor.close(ignored);
    housekeeping.cancel();
    outbox_timer.cancel();
    auto all = connections;
    for (auto& [id, c] : all) c->session->close();  // unanswered deliver_sm return to the queues
    if (!outbox) return;
    flush_delivered();
    // What is still queued in memory (and not stored yet) is kept for the next start; the
    // stored rows this server held go back to the other nodes at once.
    for (auto& [tenant, q] : queues) {
      for (const auto& out : q.queue) {
        if (out.outbox_id == 0 && out.keep_until >= clock.now()) store(tenant, out);
      }
      q.queue.clear();
    }
    const std::vector<std::uint64_t> held(claimed.begin(), claimed.end());
    if (auto ok = outbox->release(held); ok) {
      claimed.clear();
    } else {
      spdlog::warn("smpp server: cannot give back {} stored deliver_sm (another node takes "
                   "them when the claim runs out): {}",
                   held.size(), ok.error().message());
    }
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
  // The coroutines hold the Impl by plain pointer: one still suspended when the loop stops
  // (a loaded machine may end it before they saw `stopping`) is destroyed with the
  // io_context, inside ~Impl. A shared_ptr there would keep the Impl alive for ever.
  Impl* self = impl.get();
  if (impl->acceptor.is_open()) {
    asio::co_spawn(
        impl->io, [self] { return self->accept_loop(self->acceptor, false); }, report);
  }
  if (impl->tls_acceptor.is_open()) {
    asio::co_spawn(
        impl->io, [self] { return self->accept_loop(self->tls_acceptor, true); }, report);
  }
  asio::co_spawn(
      impl->io, [self] { return self->housekeeping_loop(); }, report);
  if (impl->outbox) {
    asio::co_spawn(
        impl->io, [self] { return self->outbox_loop(); }, report);
  }
  impl_->thread = core::named_thread("smpp-server", [impl] { impl->io.run(); });
  spdlog::info("smpp server: listening on port {}{}", impl_->port.load(),
               impl_->tls_port ? fmt::format(", TLS on port {}", impl_->tls_port.load()) : "");
  return {};
}

void SmppServer::stop() {
  if (!impl_->thread.joinable()) return;
  auto impl = impl_;
  Impl* self = impl.get();  // alive until the join below; handlers must not own it
  asio::post(impl->io, [self] { self->shutdown(); });
  // Give the sessions a moment to flush their close, then end the loop.
  auto timer = std::make_shared<asio::steady_timer>(impl->io, std::chrono::milliseconds{100});
  timer->async_wait([timer, self](boost::system::error_code) { self->io.stop(); });
  impl_->thread.join();
  // Handlers still queued when the loop stopped (a pipeline answer, a pump after a
  // deliver_sm_resp) run now, so that what they carry is handled before the Impl goes. With
  // `stopping` set they only finish their bookkeeping.
  impl->io.restart();
  while (impl->io.poll() > 0) {
  }
}

void SmppServer::set_send_policy(api::SendPolicy* policy) { impl_->send_policy = policy; }

void SmppServer::set_outbox(store::SmppOutboxStore* outbox, store::KeyRing* keys) {
  impl_->outbox = outbox;
  impl_->keys = keys;
}

void SmppServer::set_message_notes(store::MessageNotes* notes) { impl_->notes = notes; }

std::uint16_t SmppServer::port() const { return impl_->port.load(); }

std::uint16_t SmppServer::tls_port() const { return impl_->tls_port.load(); }

void SmppServer::notify_status(std::vector<FinalStatus> finals) {
  if (finals.empty()) return;
  std::weak_ptr<Impl> weak = impl_;
  asio::post(impl_->io, [weak, finals = std::move(finals)] {
    if (auto self = weak.lock()) {
      for (const auto& [id, status] : finals) self->on_status(id, status);
    }
  });
}

void SmppServer::notify_outbox(std::vector<std::uint64_t> tenants) {
  std::weak_ptr<Impl> weak = impl_;
  asio::post(impl_->io, [weak, tenants = std::move(tenants)] {
    if (auto self = weak.lock()) self->on_outbox(tenants);
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

#pragma once
/// SmppServer: the SMPP 3.4 server for customers in `diskret serve`. Binds are checked
/// against the tenant's SMPP credentials (a wrong password gets ESME_RBINDFAIL after a
/// delay, then the connection closes); submit_sm enters the durable pipeline and is
/// answered with our message id only once committed; concatenated submits are joined
/// first. Final statuses come back as receipt deliver_sm to the tenant's receiver and
/// transceiver binds. With an outbox and message notes, receipts are made in the final
/// status's transaction (ReceiptMaker, through the StatusTee) and every node claims those
/// of the tenants bound to it from the shared outbox; without, they are made and queued in
/// memory. Each credential has a window and a TPS limit answered with ESME_RTHROTTLED.
///
/// Runs its own I/O thread; every public function is thread-safe. No Asio in this header.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/send_policy.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "io/tls_config.hpp"
#include "pipeline/message.hpp"
#include "pipeline/pipeline.hpp"
#include "smpp_server/credentials.hpp"
#include "store/key_ring.hpp"
#include "store/message_notes.hpp"
#include "store/smpp_outbox_store.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::smpp_server {

struct ServerConfig {
  std::string listen = "127.0.0.1:2776";  ///< host:port; port 0 picks a free one; "" = none
  /// A second listener speaking SMPP over TLS from the first byte (SMPP has no STARTTLS);
  /// "" = none. Needs `tls`.
  std::string tls_listen;
  io::TlsServerFiles tls;
  std::chrono::milliseconds tls_handshake_timeout{10'000};
  std::uint32_t default_window = 64;      ///< unanswered submits per credential
  std::uint32_t default_tps = 200;        ///< submits per second per credential; 0 = unlimited
  std::chrono::milliseconds bind_fail_delay{1'000};
  std::chrono::seconds concat_timeout{60};    ///< incomplete concatenated submits are refused after
  std::chrono::hours receipt_keep{48};        ///< receipts kept this long without validity_period
  std::size_t max_queued_receipts = 100'000;  ///< per tenant; the oldest are dropped beyond
  std::size_t max_connections = 1'000;
  std::size_t max_connections_per_ip = 0;  ///< open connections of one address; 0 = no cap
  /// A connection that has not bound successfully this long after it opened is closed.
  std::chrono::milliseconds bind_timeout{60'000};
  std::uint32_t receipt_window = 32;  ///< unanswered deliver_sm per bind
  std::chrono::milliseconds enquire_link_interval{30'000};
  std::chrono::milliseconds response_timeout{10'000};
  /// > 0: the server looks up the status of messages awaiting a receipt this often
  /// (for pipelines that report no status events); 0: only notify_status() is used.
  std::chrono::milliseconds status_poll{0};
  /// With an outbox: how often the server looks for deliver_sm that other nodes (or this
  /// one, for a receiver that was away) stored for the tenants bound here.
  std::chrono::milliseconds outbox_poll{1'000};
  /// How long claimed outbox rows stay this node's before another node may take them
  /// (after a crash; a clean stop or an unbind gives them back at once).
  std::chrono::milliseconds outbox_claim{600'000};
};

struct ServerStats {
  std::uint64_t binds = 0, bind_failures = 0, submits = 0, submits_accepted = 0, throttled = 0,
                refused_opted_out = 0,
                receipts_sent = 0, receipts_queued = 0, receipts_dropped = 0,
                receipts_stored = 0;  ///< written to the outbox by this server (no receiver bound)
  std::uint64_t connections = 0, tls_connections = 0, tls_handshake_failures = 0;
};

class SmppServer {
 public:
  SmppServer(ServerConfig config, CredentialService& credentials, tenancy::TenantService& tenants,
             pipeline::Pipeline& pipeline, const Clock& clock);
  ~SmppServer();  ///< stop()s
  SmppServer(const SmppServer&) = delete;
  SmppServer& operator=(const SmppServer&) = delete;

  /// The suppression rules of POST /v1/messages (issue 4), asked once per complete
  /// message before it enters the pipeline: a number that opted out is answered
  /// ESME_RSUBMITFAIL (permanent, nothing stored); a check that cannot run now,
  /// ESME_RSYSERR (the ESME retries). Set before start(); null: no screening.
  void set_send_policy(api::SendPolicy* policy);

  /// The shared deliver_sm queue: receipts, and inbound messages for a tenant without a
  /// receiver bind here, are stored in `outbox` sealed with the tenant's data key from
  /// `keys`; a receiver bound to any node gets them (then they are deleted), also after a
  /// restart; dropped once their validity passed. Set before start(); null: deliver_sm
  /// wait in this process's memory only.
  void set_outbox(store::SmppOutboxStore* outbox, store::KeyRing* keys);
  /// With an outbox: a receipt request is written by `notes` in the transaction that
  /// accepts its message (the submit_sm_resp is only sent once it is durable too) and
  /// turned into its receipt by a ReceiptMaker in the StatusTee. Null: requests are kept in
  /// memory, and lost with the process.
  void set_message_notes(store::MessageNotes* notes);

  /// Listens and starts the I/O thread; a sentence naming the address when it cannot.
  Expected<void> start();
  /// Closes the listener and every connection, then joins the I/O thread.
  void stop();
  std::uint16_t port() const;
  std::uint16_t tls_port() const;  ///< 0 without a TLS listener

  /// Messages reached a final status (after their commit). Sends the receipts whose
  /// requests are held in memory here; ignores other ids. One hand-over to the I/O thread
  /// for the whole group.
  using FinalStatus = std::pair<pipeline::MessageId, pipeline::MessageStatus>;
  void notify_status(std::vector<FinalStatus> finals);
  /// Receipts for these tenants were committed to the outbox: claimed at once for the
  /// receivers bound here (other nodes find them at their next outbox_poll).
  void notify_outbox(std::vector<std::uint64_t> tenants);
  /// A mobile-originated message for `tenant`: a deliver_sm (UTF-8 text re-encoded) to its
  /// receiver binds, queued like receipts.
  void notify_inbound(pipeline::TenantId tenant, std::string from, std::string to,
                      std::string text);

  ServerStats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace diskret::smpp_server

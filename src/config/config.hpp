#pragma once
/// diskret.toml and DISKRET_* environment variables -> typed, validated configuration.
/// Every key has a working default; unknown keys, wrong types and out-of-range values are
/// errors naming the key. Components receive their section and never read files themselves.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "carrier/carrier_config.hpp"
#include "core/expected.hpp"

namespace diskret::config {

struct ServerSection {
  std::string data_dir = "var";  ///< database, master key, secrets unless set otherwise
  std::string http_listen = "127.0.0.1:8080";
  std::string smtp_listen = "127.0.0.1:2525";
  std::string smpp_listen = "127.0.0.1:2776";
  std::string smpps_listen;  ///< SMPP over TLS (e.g. "0.0.0.0:3550"); "" = off; needs [tls]
  std::string https_listen;  ///< the HTTP API over TLS (e.g. "0.0.0.0:8443"); "" = off; needs [tls]
  std::string sms_domain = "sms.localhost";
};

struct StoreSection {
  std::string url;  ///< default "sqlite:<data_dir>/diskret.db"; or "postgresql://..."
  /// Several nodes on PostgreSQL: how long a node's claims outlive its last heartbeat (a
  /// dead node's messages wait this long before the others take them over).
  std::int64_t node_lease_s = 30;
};

struct KeysSection {
  std::string master_key_file;  ///< default "<data_dir>/master.key"
};

struct BillingSection {
  bool enabled = true;
  std::string vault_url = "http://127.0.0.1:8443";
  std::string vault_secret_file;  ///< default "<data_dir>/vault.secret"
  std::int64_t price_cents_per_segment = 7;  ///< default price of one segment, euro cents
  std::vector<std::string> country_prices;   ///< overrides "DE=9" (region=cents per segment)
  std::int64_t low_balance_cents = 500;      ///< alert tenant admins when the balance falls below
};

/// HTTP API limits ([api]).
struct ApiSection {
  std::size_t max_recipients = 10'000;           ///< per POST /v1/messages (1..10000)
  std::size_t max_body_bytes = 2 * 1024 * 1024;  ///< larger bodies answer 413
  /// CSV uploads (POST /v1/contacts/import): 100,000 contacts are about 7 MB.
  std::size_t max_upload_bytes = 64 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};  ///< keep-alive
  std::size_t max_connections = 10'000;
};

/// Pipeline tuning ([pipeline]); the defaults suit one node.
struct PipelineSection {
  /// To carriers without an outcome; 0 = 16 x sum(window x binds), at least 64.
  std::size_t max_in_flight = 0;
  std::size_t memory_queue = 20'000;         ///< committed messages kept in memory for dispatch
  std::size_t max_queued_messages = 200'000; ///< accepted, not yet committed; beyond: 503
  std::size_t max_commit_messages = 20'000;  ///< messages per group commit
};

/// The certificate of every TLS listener ([tls]): SMTP STARTTLS, smpps_listen and
/// https_listen. Empty files: no TLS is offered.
struct TlsSection {
  std::string cert_file;            ///< PEM chain, leaf first
  std::string key_file;             ///< PEM private key (keep it mode 0600)
  std::string min_version = "1.2";  ///< "1.2" or "1.3"
};

/// Email to SMS ([smtp]); the listen address and SMS domain are in [server].
struct SmtpSection {
  std::string default_sender = "Diskret";  ///< sender id of SMS sent by mail
  /// PEM chain and key for STARTTLS; default: [tls] cert_file/key_file.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// Outbound relay for bounce mails (plain SMTP, e.g. the local MTA); "" = no bounces.
  std::string relay_host;
  std::uint16_t relay_port = 25;
  std::string bounce_from;  ///< default "MAILER-DAEMON@<sms_domain>"
  /// Public ids of the tenants whose email-to-SMS senders get a bounce when an SMS ends
  /// failed or expired (off for everyone else). Needs relay_host.
  std::vector<std::string> bounce_tenants;
};

/// Campaigns ([campaigns]): marketing outside the recipient's local window is held.
struct CampaignsSection {
  std::string quiet_hours = "20:00-08:00";  ///< quiet from-until, local time; or "off"
  bool quiet_sundays = true;                ///< Sundays quiet all day
  /// Public holidays held like Sundays: "DE:2026-12-25" (the recipient's country) or
  /// "*:2027-01-01" (everyone).
  std::vector<std::string> holidays;
};

/// Short links ([links], issue 12): the domain diskret answers /l/<code> on (it must reach
/// this server's HTTP listener, e.g. through the reverse proxy); empty: no tenant can
/// switch shortening on.
struct LinksSection {
  std::string domain;
  std::int64_t ttl_days = 30;  ///< a link answers 410 after this
};

/// Webhooks ([webhooks]).
struct WebhooksSection {
  /// Allow webhook URLs (and names resolving to addresses) on loopback and private
  /// networks. Off by default: tenants must not make diskret probe its own network. Turn it
  /// on for demos and tests, or when receivers live on a private network by design.
  bool allow_private_hosts = false;
};

/// The web portal ([portal]).
struct PortalSection {
  /// The built portal (index.html, assets/); empty: the build's own output, where it exists.
  std::string dir;
  /// Served over TLS (directly or behind a TLS proxy): session cookies get Secure and every
  /// answer Strict-Transport-Security.
  bool tls = false;
  std::int64_t session_idle_minutes = 30;  ///< a session ends after this long unused
  std::int64_t session_hours = 12;         ///< and after this long in any case
};

/// Request and connection limits ([limits], issue 11). A rate of 0 switches that limit
/// off; a burst of 0 means twice the rate. The defaults throttle nobody who is not failing
/// to authenticate: set per-key and per-address rates to what your customers may send.
struct LimitsSection {
  std::int64_t key_per_second = 0;  ///< requests per API key or portal session
  std::int64_t key_burst = 0;
  std::int64_t ip_per_second = 0;   ///< requests per client address
  std::int64_t ip_burst = 0;
  /// Failed authentications (401) per client address; over it, the address gets 429.
  std::int64_t auth_failures_per_second = 10;
  std::int64_t auth_failures_burst = 1000;
  std::int64_t http_connections_per_ip = 1000;  ///< open connections of one address; 0 = no cap
  std::int64_t smtp_connections_per_ip = 20;
  std::int64_t smpp_connections_per_ip = 50;
  std::chrono::milliseconds smpp_bind_timeout{60'000};  ///< unbound SMPP connections close
};

/// Security contact ([security], issue 11): /.well-known/security.txt (RFC 9116).
struct SecuritySection {
  /// "mailto:security@example.com" or an https URL (several: comma-free list entries);
  /// empty: no security.txt (404).
  std::vector<std::string> contact;
  std::string expires;  ///< RFC 3339; empty: 180 days after the server started
  std::string policy;   ///< optional URL of the disclosure policy
  /// SMS pumping guard: a range is the first `pumping_prefix_digits` digits of a number;
  /// more than `pumping_prefix_per_hour` messages of one tenant to one range within an
  /// hour are held for review (0 = no limit), and so is every message beyond
  /// `pumping_unusual_per_hour` to premium-rate, shared-cost and similar ranges.
  std::int64_t pumping_prefix_digits = 6;
  std::int64_t pumping_prefix_per_hour = 0;
  std::int64_t pumping_unusual_per_hour = 5;
  /// Bounds of a tenant's own allowances (PATCH /v1/tenant pumping_prefix_per_hour 1..max,
  /// pumping_unusual_per_hour 0..max).
  std::int64_t pumping_prefix_per_hour_max = 100'000;
  std::int64_t pumping_unusual_per_hour_max = 100;
  /// A held message nobody released or rejected within this many hours is rejected by the
  /// platform (deleted, audited as fraud.held_expired).
  std::int64_t held_expiry_hours = 72;
};

struct LogSection {
  std::string level = "info";  ///< trace|debug|info|warn|error|off
  std::string format = "text";  ///< text (human-readable) | json (one object per line)
};

struct Config {
  ServerSection server;
  StoreSection store;
  KeysSection keys;
  BillingSection billing;
  ApiSection api;
  TlsSection tls;
  PipelineSection pipeline;
  SmtpSection smtp;
  WebhooksSection webhooks;
  CampaignsSection campaigns;
  LinksSection links;
  PortalSection portal;
  LimitsSection limits;
  SecuritySection security;
  LogSection log;
  std::vector<carrier::CarrierConfig> smsc;  ///< default: one carrier-a at 127.0.0.1:2775
};

/// The process environment as (name, value) pairs; tests pass their own.
using Environment = std::vector<std::pair<std::string, std::string>>;
Environment process_environment();

/// Parses TOML text (`source` names it in errors, e.g. "diskret.toml"), then applies the
/// DISKRET_* overrides of `env` and derives path defaults from data_dir.
Expected<Config> parse(std::string_view toml_text, std::string_view source, const Environment& env);

/// Reads `file` (none: defaults only) and applies `env`. Errors are one line each:
/// "diskret.toml: [smsc][0].window: must be 1..10000".
Expected<Config> load(const std::optional<std::filesystem::path>& file, const Environment& env);

}  // namespace diskret::config

// Several nodes on one PostgreSQL under faults (issue 10), end to end: a real PostgreSQL
// (tests/support/postgres_server.hpp), three `diskret serve` processes (own ports, data
// directories and config files; one store URL and one master key file) and one
// diskret-smsc as their common carrier with a TPS cap. The test sends
// $DISKRET_MULTINODE_MESSAGES (default 50,000) messages in batches through all three REST
// APIs, kills one node with SIGKILL a third of the way and restarts PostgreSQL (immediate
// stop, start on the same port and data directory) two thirds of the way, then checks the
// simulator's own record (its --log, one JSON line per submit_sm it received):
// - every message answered 202 "accepted" reached the carrier;
// - duplicates stay within the in-flight bound (see kDuplicateBound below);
// - the TPS cap held across the three nodes together over every sliding 1 s (and 5 s) window.
// A batch refused with 503 (the database restarting) or left unanswered (the node killed)
// is sent again with the same Idempotency-Key, to another node when its node is dead:
// that is a client's contract; only acknowledged messages must arrive.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"
#include "integration/smsc_sim/smpp_test_client.hpp"
#include "smpp/delivery_receipt.hpp"
#include "support/postgres_server.hpp"

namespace diskret {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using test::Background;
using test::RawClient;
using Clock = std::chrono::steady_clock;

const std::string kBin = DISKRET_BIN_DIR;
constexpr int kNodes = 3;
constexpr std::size_t kBatch = 1000;
// The carrier's TPS limit, [[smsc]] tps with one bind per node: all nodes together.
constexpr int kTps = 2000;
// Each node's token bucket holds a tenth of a second of its share (TokenBucket::
// for_tps_share): three full buckets add a tenth of the limit to a window's worth. The
// simulator stamps a submit when it reads it: a 100 ms stall of it (a loaded CI machine)
// crowds another tenth into a window. A longer window dilutes both: a node sending at
// the wrong share (1/2 instead of 1/3: 1.5x) fails either check.
constexpr int kSlack = kTps / 10 + kTps / 10 + kNodes;
constexpr int kTpsAllowed = kTps + kSlack;             // any 1 s window
constexpr int kTpsAllowed5s = 5 * kTps + kSlack;       // any 5 s window
// [pipeline] max_in_flight: messages a node has handed to its binds without a committed
// outcome. Only those can reach the carrier twice.
constexpr int kMaxInFlight = 128;
// Duplicates: the killed node may have sent up to its in-flight window and died before
// committing the outcomes; the node taking them over sends them again. A PostgreSQL
// restart alone duplicates nothing (outcomes wait in memory and are committed once it is
// back), unless it outlasts a lease: then each live node's in-flight messages may be taken
// over by another. So at most one window for the kill plus one per surviving node.
constexpr int kDuplicateBound = kMaxInFlight * kNodes;
// Short leases so that the killed node's messages are taken over within the test; still
// several heartbeats (every third of it) longer than the PostgreSQL restart.
constexpr int kLeaseSeconds = 8;

std::size_t message_count() {
  if (const char* v = std::getenv("DISKRET_MULTINODE_MESSAGES"); v != nullptr && *v != '\0') {
    return std::max<std::size_t>(std::strtoul(v, nullptr, 10), kBatch);
  }
  return 50'000;
}

// The destination of message i: a German mobile number of its own.
std::string destination(std::size_t i) { return std::to_string(4915100000000ULL + i); }

struct SubmitRecord {
  std::vector<std::int64_t> ts;                           // every submit_sm, ms
  std::unordered_map<std::string, int> accepted_per_dest;  // resp_status 0
};

// The simulator's log: one JSON object per received submit_sm.
SubmitRecord read_submits(const std::string& path) {
  SubmitRecord r;
  std::ifstream in(path);
  std::string line;
  auto field = [&](std::string_view name) -> std::string_view {
    const std::string key = "\"" + std::string(name) + "\":";
    auto p = line.find(key);
    if (p == std::string::npos) return {};
    p += key.size();
    if (line[p] == '"') ++p;
    auto end = line.find_first_of(",\"}", p);
    return std::string_view(line).substr(p, end - p);
  };
  while (std::getline(in, line)) {
    if (line.empty() || line.back() != '}') continue;  // a line still being written
    r.ts.push_back(std::stoll(std::string(field("ts"))));
    if (field("resp_status") == "0") ++r.accepted_per_dest[std::string(field("destination_addr"))];
  }
  return r;
}

// The most submits within any [t, t + window_ms).
int busiest_window(std::vector<std::int64_t> ts, std::int64_t window_ms) {
  std::sort(ts.begin(), ts.end());
  int best = 0;
  for (std::size_t lo = 0, hi = 0; hi < ts.size(); ++hi) {
    while (ts[hi] - ts[lo] >= window_ms) ++lo;
    best = std::max(best, static_cast<int>(hi - lo + 1));
  }
  return best;
}

struct Node {
  std::string config;
  std::unique_ptr<Background> process;
  std::uint16_t port = 0;
  std::atomic<bool> dead{false};
};

// The stage both tests play on: a PostgreSQL with the two databases, diskret-smsc (its
// submits logged to smsc.jsonl), a tenant and `count` serve nodes started on them, in a
// temporary directory. The directory is kept for a look at the logs when the test failed
// or DISKRET_MULTINODE_KEEP is set.
struct Cluster {
  test::PostgresServer pg;
  std::string dir;
  std::unique_ptr<Background> smsc;
  std::vector<std::unique_ptr<Node>> nodes;
  std::string auth;  // "Authorization: Bearer <the tenant's API key>\r\n"

  ~Cluster() {
    for (auto& node : nodes) node->process.reset();
    smsc.reset();
    if (dir.empty()) return;
    if (::testing::Test::HasFailure() || std::getenv("DISKRET_MULTINODE_KEEP") != nullptr) {
      std::printf("multinode: logs kept in %s\n", dir.c_str());
    } else {
      fs::remove_all(dir);
    }
  }

  std::string submit_log() const { return dir + "/smsc.jsonl"; }

  // `extra` is appended to every node's config file.
  void set_up(int count, int tps, int lease_seconds, const std::string& extra) {
    ASSERT_TRUE(fs::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
    ASSERT_TRUE(fs::exists(kBin + "/diskret")) << "build the diskret target";
    ASSERT_TRUE(pg.running()) << pg.error();
    for (const char* db : {"diskret", "diskret_keys"}) {
      auto failed = pg.execute(std::string("CREATE DATABASE ") + db + " TEMPLATE template0");
      ASSERT_FALSE(failed) << *failed;
    }
    char pattern[] = "/tmp/diskret-multinode-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir = pattern;
    smsc = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control",
                                 "off", "--system-id", "diskret", "--password", "secret",
                                 "--dlr-delay-ms", "50", "--log", submit_log()},
        dir + "/smsc.out", dir + "/smsc.err");
    auto smsc_line = smsc->wait_for(false, "SMPP on 127.0.0.1:", std::chrono::seconds(10));
    ASSERT_TRUE(smsc_line) << smsc->err();
    const std::string smsc_port = smsc_line->substr(0, smsc_line->find_first_not_of("0123456789"));
    // Own config file, data directory and ports per node; the same database and master key.
    for (int n = 0; n < count; ++n) {
      auto node = std::make_unique<Node>();
      node->config = dir + "/node" + std::to_string(n) + ".toml";
      std::ofstream(node->config)
          << "[server]\ndata_dir = \"" << dir << "/var" << n << "\"\n"
          << "http_listen = \"127.0.0.1:0\"\nsmtp_listen = \"127.0.0.1:0\"\n"
          << "smpp_listen = \"127.0.0.1:0\"\n"
          << "[store]\nurl = \"" << pg.url("diskret") << "\"\nnode_lease_s = " << lease_seconds
          << "\n[keys]\nmaster_key_file = \"" << dir << "/master.key\"\n"
          << "[billing]\nenabled = false\n"
          << "[[smsc]]\nname = \"sim\"\nport = " << smsc_port << "\nbinds = 1\ntps = " << tps
          << "\n"
          << extra;
      nodes.push_back(std::move(node));
    }
    auto created = test::run({kBin + "/diskret", "tenant", "create", "--config", nodes[0]->config,
                              "--name", "Multi GmbH", "--region", "DE", "--json"},
                             dir);
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auth = "Authorization: Bearer " +
           std::string(json::parse(created.out).at("api_key").as_string()) + "\r\n";
    for (int n = 0; n < count; ++n) {
      const std::string name = dir + "/node" + std::to_string(n);
      nodes[n]->process = std::make_unique<Background>(
          std::vector<std::string>{kBin + "/diskret", "serve", "--config", nodes[n]->config},
          name + ".out", name + ".err");
    }
    for (auto& node : nodes) {
      auto line = node->process->wait_for(true, "listening on http://127.0.0.1:",
                                          std::chrono::seconds(30));
      ASSERT_TRUE(line) << node->process->err();
      node->port = static_cast<std::uint16_t>(std::stoi(*line));
    }
  }
};

TEST(MultiNodeOnPostgresql, ThreeNodesKeepEveryAcceptedMessageThroughAKillAndADatabaseRestart) {
  if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
  const std::size_t total = message_count();
  const auto started = Clock::now();

  Cluster cluster;
  ASSERT_NO_FATAL_FAILURE(cluster.set_up(
      kNodes, kTps, kLeaseSeconds,
      "[pipeline]\nmax_in_flight = " + std::to_string(kMaxInFlight) + "\n"));
  test::PostgresServer& pg = cluster.pg;
  auto& nodes = cluster.nodes;
  const std::string& auth = cluster.auth;
  const std::string submit_log = cluster.submit_log();
  // Each node splits the TPS limit by the live nodes it saw at its last heartbeat: wait
  // until every one has seen all three (the first ones learn it at their next heartbeat).
  for (auto& node : nodes) {
    ASSERT_TRUE(node->process->wait_for(true, "3 live node(s)", std::chrono::seconds(3 * kLeaseSeconds)))
        << node->process->err();
  }

  // Senders: one thread per node; each takes the next batch and sends it to its node, or
  // while that is dead to the next live one, until it is answered 202.
  const std::size_t batches = (total + kBatch - 1) / kBatch;
  std::atomic<std::size_t> next_batch{0}, acknowledged{0}, refused{0}, unanswered{0};
  std::mutex mutex;
  std::set<std::string> must_arrive;
  std::vector<std::string> failures;
  auto send_batches = [&](int home) {
    std::unique_ptr<RawClient> client;
    int at = -1;
    for (std::size_t b; (b = next_batch++) < batches;) {
      std::string body = "{\"to\":[";
      const std::size_t end = std::min(total, (b + 1) * kBatch);
      for (std::size_t i = b * kBatch; i < end; ++i) {
        body += (i == b * kBatch ? "\"+" : ",\"+") + destination(i) + "\"";
      }
      body += "],\"text\":\"Termin morgen 9 Uhr\",\"from\":\"Multi\"}";
      const std::string request = test::post(
          "/v1/messages", body, auth + "Idempotency-Key: batch-" + std::to_string(b) + "\r\n");
      const auto give_up = Clock::now() + std::chrono::seconds(120);
      for (int attempt = 0;; ++attempt) {
        if (Clock::now() > give_up) {
          std::lock_guard lock(mutex);
          failures.push_back("batch " + std::to_string(b) + " never answered 202");
          break;
        }
        int target = (home + attempt) % kNodes;
        while (nodes[target]->dead) target = (target + 1) % kNodes;
        if (!client || at != target || !client->connected()) {
          client = std::make_unique<RawClient>(nodes[target]->port);
          at = target;
        }
        std::optional<test::RawResponse> got;
        if (client->connected() && client->send(request)) got = client->read_response(30'000);
        if (!got) {
          ++unanswered;
          client.reset();
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        if (got->status == 503) {
          ++refused;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          continue;
        }
        if (got->status != 202) {
          std::lock_guard lock(mutex);
          failures.push_back("batch " + std::to_string(b) + ": " + std::to_string(got->status) +
                             " " + got->body.substr(0, 300));
          break;
        }
        std::size_t accepted = 0;
        std::lock_guard lock(mutex);
        boost::system::error_code ec;
        const json::value parsed = json::parse(got->body, ec);
        const json::array* messages = nullptr;
        if (!ec && parsed.is_object()) {
          if (const auto* m = parsed.as_object().if_contains("messages")) messages = m->if_array();
        }
        if (messages == nullptr) {
          failures.push_back("batch " + std::to_string(b) + ": 202 without messages: " +
                             got->head + "\n" + got->body.substr(0, 300));
          break;
        }
        for (const auto& m : *messages) {
          if (m.at("status").as_string() != "accepted") continue;
          std::string to(m.at("to").as_string());
          if (!to.empty() && to[0] == '+') to.erase(0, 1);
          must_arrive.insert(to);
          ++accepted;
        }
        acknowledged += accepted;
        break;
      }
    }
  };

  std::vector<std::thread> senders;
  for (int n = 0; n < kNodes; ++n) senders.emplace_back(send_batches, n);
  auto wait_until_acknowledged = [&](std::size_t count) {
    while (acknowledged < count && next_batch < batches + kNodes) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  wait_until_acknowledged(total / 3);
  nodes[2]->dead = true;
  ASSERT_EQ(nodes[2]->process->stop(SIGKILL, std::chrono::seconds(10)), 128 + SIGKILL);
  const auto killed_at = Clock::now();
  wait_until_acknowledged(2 * total / 3);
  ASSERT_TRUE(pg.stop());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(pg.start()) << pg.error();
  for (auto& t : senders) t.join();
  const auto sent_at = Clock::now();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();
  EXPECT_EQ(acknowledged.load(), total) << "every message is valid and should be accepted";
  EXPECT_GT(pg.port(), 0);

  // Wait until the carrier has every acknowledged message (or nothing moves any more).
  SubmitRecord record;
  std::size_t missing = must_arrive.size();
  std::size_t last_submits = 0;
  auto progress_at = Clock::now();
  while (missing > 0 && Clock::now() - progress_at < std::chrono::seconds(3 * kLeaseSeconds)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    record = read_submits(submit_log);
    if (record.ts.size() != last_submits) {
      last_submits = record.ts.size();
      progress_at = Clock::now();
    }
    missing = 0;
    for (const auto& to : must_arrive) missing += record.accepted_per_dest.contains(to) ? 0 : 1;
  }
  const auto done_at = Clock::now();
  std::size_t copies = 0, extra = 0;
  for (const auto& [to, n] : record.accepted_per_dest) {
    copies += static_cast<std::size_t>(n);
    extra += static_cast<std::size_t>(n - 1);
  }
  const int busiest = busiest_window(record.ts, 1000);
  const int busiest5 = busiest_window(record.ts, 5000);
  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf("multinode: %zu messages, %zu acknowledged, %zu refused 503, %zu unanswered; "
              "carrier got %zu submits (%zu distinct, %zu duplicates); busiest second %d, "
              "busiest 5 s %d (cap %d/s); sent in %.1f s, all arrived %.1f s after the kill, wall %.1f s\n",
              total, acknowledged.load(), refused.load(), unanswered.load(), copies,
              record.accepted_per_dest.size(), extra, busiest, busiest5, kTps, seconds(sent_at - started),
              seconds(done_at - killed_at), seconds(done_at - started));

  EXPECT_EQ(missing, 0u) << "acknowledged messages that never reached the carrier";
  EXPECT_LE(extra, static_cast<std::size_t>(kDuplicateBound));
  EXPECT_LE(busiest, kTpsAllowed) << "the TPS cap of all nodes together, 1 s windows";
  EXPECT_LE(busiest5, kTpsAllowed5s) << "the TPS cap of all nodes together, 5 s windows";
  for (const auto& [to, n] : record.accepted_per_dest) {
    ASSERT_TRUE(must_arrive.contains(to)) << "the carrier got a message nobody sent: " << to;
  }

  // The survivors work normally again after the database restart: the connections held
  // for the life of the process came back (the campaign runner, which reads every 100 ms,
  // warned on every tick until the node restarted when they did not). A job that runs
  // rarely may still warn once: the call that finds its connection lost fails.
  std::vector<std::size_t> log_sizes;
  for (int n = 0; n < kNodes - 1; ++n) log_sizes.push_back(nodes[n]->process->err().size());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (int n = 0; n < kNodes - 1; ++n) {
    const std::string recent = nodes[n]->process->err().substr(log_sizes[n]);
    EXPECT_EQ(recent.find("campaigns: cannot"), std::string::npos) << "node " << n << ":\n" << recent;
    EXPECT_EQ(recent.find("pipeline: commit failed"), std::string::npos) << "node " << n;
  }

  // The survivors shut down gracefully.
  for (int n = 0; n < kNodes - 1; ++n) {
    EXPECT_EQ(nodes[n]->process->stop(SIGTERM, std::chrono::seconds(30)), 0)
        << nodes[n]->process->err();
  }
  // No number, no text in the nodes' logs.
  for (int n = 0; n < kNodes; ++n) {
    const std::string log = nodes[n]->process->err();
    EXPECT_EQ(log.find(destination(total / 2)), std::string::npos);
    EXPECT_EQ(log.find("Termin morgen"), std::string::npos);
  }
}

// An SMPP customer's receipts (registered_delivery) come to its receiver bind whichever
// node it is bound to: the receipt is made in the transaction that writes the final
// status, on the node that wrote it, and the node holding the receiver claims it from the
// shared outbox. Two receivers on two nodes get each receipt once between them.
TEST(MultiNodeOnPostgresql, SmppReceiptsReachTheCustomersReceiverOnAnyNode) {
  if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
  Cluster cluster;
  ASSERT_NO_FATAL_FAILURE(cluster.set_up(2, 500, 30, ""));
  std::vector<std::uint16_t> smpp_ports;
  for (auto& node : cluster.nodes) {
    auto line = node->process->wait_for(true, "smpp server: listening on port ",
                                        std::chrono::seconds(10));
    ASSERT_TRUE(line) << node->process->err();
    smpp_ports.push_back(static_cast<std::uint16_t>(std::stoi(*line)));
  }
  RawClient http(cluster.nodes[0]->port);
  ASSERT_TRUE(http.send(test::post("/v1/smpp-credentials", "{}", cluster.auth)));
  auto created = http.read_response(10'000);
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "no answer");
  const auto credential = json::parse(created->body).as_object();
  const std::string system_id(credential.at("system_id").as_string());
  const std::string password(credential.at("password").as_string());

  using smsc_sim::test::SmppTestClient;
  auto bind = [&](int node, smpp::CommandId kind) {
    auto client = std::make_unique<SmppTestClient>(smpp_ports[node]);
    EXPECT_EQ(client->bind(kind, system_id, password), 0u) << "bind to node " << node;
    return client;
  };
  auto submit = [&](SmppTestClient& tx, std::size_t i) {
    smpp::SubmitSm s;
    s.source_addr = "Multi";
    s.source_addr_ton = 5;
    s.destination_addr = destination(i);
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    s.registered_delivery = 1;
    s.short_message = "Termin morgen 9 Uhr";
    auto resp = tx.call(s);
    const auto* r = resp && resp->command_status == 0 ? std::get_if<smpp::SubmitSmResp>(&resp->body)
                                                      : nullptr;
    EXPECT_TRUE(r) << "submit_sm " << i;
    return r ? r->message_id : std::string();
  };
  // Each receipt's message id, from every receiver, until `count` arrived and a while after
  // (a receipt sent twice would arrive within it).
  auto collect = [](std::vector<SmppTestClient*> receivers, std::size_t count) {
    std::multiset<std::string> got;
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (got.size() < count && Clock::now() < deadline) {
      for (auto* rx : receivers) {
        if (auto d = rx->next_deliver(std::chrono::milliseconds(20))) {
          auto receipt = smpp::parse_receipt(std::get<smpp::DeliverSm>(d->body));
          got.insert(receipt ? receipt->id : "not a receipt");
        }
      }
    }
    for (auto* rx : receivers) {
      while (auto d = rx->next_deliver(std::chrono::milliseconds(1'500))) {
        auto receipt = smpp::parse_receipt(std::get<smpp::DeliverSm>(d->body));
        got.insert(receipt ? receipt->id : "not a receipt");
      }
    }
    return got;
  };

  // Submitted to node 0, its receipts made there (the carrier answers on node 0's bind),
  // the customer's receiver bound to node 1 only.
  constexpr std::size_t kEach = 40;
  auto tx0 = bind(0, smpp::CommandId::bind_transmitter);
  auto rx1 = bind(1, smpp::CommandId::bind_receiver);
  std::multiset<std::string> sent;
  for (std::size_t i = 0; i < kEach; ++i) sent.insert(submit(*tx0, i));
  EXPECT_EQ(collect({rx1.get()}, kEach), sent) << "receipts made on node 0 for a receiver on node 1";

  // Receivers on both nodes, submits to both: each receipt once between the two.
  auto tx1 = bind(1, smpp::CommandId::bind_transmitter);
  auto rx0 = bind(0, smpp::CommandId::bind_receiver);
  sent.clear();
  for (std::size_t i = 0; i < 2 * kEach; ++i) sent.insert(submit(i % 2 ? *tx1 : *tx0, kEach + i));
  EXPECT_EQ(collect({rx0.get(), rx1.get()}, 2 * kEach), sent) << "each receipt once";

  for (auto& node : cluster.nodes) {
    EXPECT_EQ(node->process->stop(SIGTERM, std::chrono::seconds(30)), 0) << node->process->err();
  }
}

}  // namespace
}  // namespace diskret

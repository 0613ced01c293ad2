#pragma once
// The fixture of the pipeline fault tests (issue 3, "Proven by tests"): build/bin/diskret
// serve against build/bin/diskret-smsc on free ports, one tenant, distinct recipients, and
// the simulator's JSONL log as the record of what reached the carrier.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"

namespace diskret::test {

namespace json = boost::json;
using namespace std::chrono_literals;

inline const std::string kBin = DISKRET_BIN_DIR;

template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

/// Recipient `i` of a test: +4915110000000 + i, a valid German mobile number.
inline std::string recipient(std::size_t i) { return "+49151" + std::to_string(10'000'000 + i); }

/// One accepted message: the id from the 202 and its recipient (E.164).
struct Accepted {
  std::string id;
  std::string to;
};

class PipelineFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kBin + "/diskret-smsc")) << "build the diskret-smsc target";
    ASSERT_TRUE(std::filesystem::exists(kBin + "/diskret")) << "build the diskret target";
    char pattern[] = "/tmp/diskret-faults-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    server_.reset();
    smsc_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  /// diskret-smsc on free ports with a submit log, fast receipts and `extra` flags.
  void start_smsc(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{kBin + "/diskret-smsc", "--listen", "127.0.0.1:0", "--control",
                                  "127.0.0.1:0", "--system-id", "diskret", "--password", "secret",
                                  "--dlr-delay-ms", "20", "--log", dir_ + "/smsc.jsonl"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    smsc_ = std::make_unique<Background>(argv, dir_ + "/smsc.out", dir_ + "/smsc.err");
    auto line = smsc_->wait_for(false, "SMPP on 127.0.0.1:", 10s);
    ASSERT_TRUE(line) << smsc_->err();
    smpp_port_ = line->substr(0, line->find_first_not_of("0123456789"));
    const std::string marker = "control on http://127.0.0.1:";
    const auto control = line->find(marker);
    ASSERT_NE(control, std::string::npos) << *line;
    control_port_ = static_cast<std::uint16_t>(std::stoi(line->substr(control + marker.size())));
  }

  /// diskret.toml with one [[smsc]] table to the simulator; `smsc_extra` and `extra` are
  /// appended to that table and to the file.
  void write_config(const std::string& smsc_extra = "", const std::string& extra = "") {
    config_ = dir_ + "/diskret.toml";
    std::ofstream(config_) << extra << "[server]\ndata_dir = \"" << dir_ << "/var\"\n"
                           << "http_listen = \"127.0.0.1:0\"\nsmtp_listen = \"127.0.0.1:0\"\n"
                           << "smpp_listen = \"127.0.0.1:0\"\n"
                           << "[billing]\nenabled = false\n"
                           << "[[smsc]]\nname = \"sim\"\nport = " << smpp_port_ << "\n"
                           << smsc_extra;
  }

  /// `diskret tenant create`; keeps the API key.
  void create_tenant() {
    auto r = run({kBin + "/diskret", "tenant", "create", "--config", config_, "--name",
                  "Fault GmbH", "--region", "DE", "--json"},
                 dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    key_ = std::string(json::parse(r.out).at("api_key").as_string());
  }

  /// Starts `diskret serve` (output in serve-<n>.err) and waits until it is ready.
  void start_server() {
    const std::string tag = std::to_string(++starts_);
    server_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret", "serve", "--config", config_},
        dir_ + "/serve-" + tag + ".out", dir_ + "/serve-" + tag + ".err");
    auto line = server_->wait_for(true, "listening on http://127.0.0.1:", 20s);
    ASSERT_TRUE(line) << server_->err();
    port_ = static_cast<std::uint16_t>(std::stoi(*line));
    ASSERT_TRUE(eventually(
        [&] {
          RawClient c(port_);
          auto r = c.request(get("/readyz"));
          return r && r->status == 200;
        },
        15s))
        << server_->err();
  }

  std::string auth() const { return "Authorization: Bearer " + key_ + "\r\n"; }

  /// POST /v1/messages to recipients [first, first + count); nullopt when no answer came
  /// within `timeout`.
  std::optional<RawResponse> post_batch(std::size_t first, std::size_t count,
                                        std::chrono::milliseconds timeout = 30s) {
    json::array to;
    for (std::size_t i = first; i < first + count; ++i) to.emplace_back(recipient(i));
    const std::string body = json::serialize(json::object{
        {"to", std::move(to)}, {"text", "Ihr Code lautet 4711."}, {"from", "Fault"},
        {"category", "transactional"}});
    RawClient c(port_);
    if (!c.send(post("/v1/messages", body, auth()))) return std::nullopt;
    return c.read_response(static_cast<int>(timeout.count()));
  }

  /// The accepted messages of a 202 body.
  static std::vector<Accepted> accepted_of(const RawResponse& r) {
    std::vector<Accepted> out;
    const auto body = json::parse(r.body);
    for (const auto& m : body.at("messages").as_array()) {
      EXPECT_EQ(m.at("status").as_string(), "accepted") << m;
      out.push_back({std::string(m.at("id").as_string()), std::string(m.at("to").as_string())});
    }
    return out;
  }

  /// GET /v1/messages/{id}; the JSON object, or null on any other answer than 200.
  json::value message(const std::string& id) {
    RawClient c(port_);
    auto r = c.request(get("/v1/messages/" + id, auth()));
    if (!r || r->status != 200) return nullptr;
    return json::parse(r->body);
  }

  /// Every message of the tenant (paged GET /v1/messages): id -> status.
  std::map<std::string, std::string> all_statuses() {
    std::map<std::string, std::string> out;
    std::string cursor;
    for (;;) {
      RawClient c(port_);
      auto r = c.request(get("/v1/messages?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor),
                             auth()));
      if (!r || r->status != 200) {
        ADD_FAILURE() << "GET /v1/messages: " << (r ? r->body : "no answer");
        return out;
      }
      auto page = json::parse(r->body);
      for (const auto& m : page.at("data").as_array()) {
        out[std::string(m.at("id").as_string())] = std::string(m.at("status").as_string());
      }
      if (page.at("next_cursor").is_null()) return out;
      cursor = std::string(page.at("next_cursor").as_string());
    }
  }

  /// Counts statuses until every message is final or `timeout` passes.
  std::map<std::string, std::size_t> wait_all_delivered(std::size_t total,
                                                        std::chrono::milliseconds timeout) {
    std::map<std::string, std::size_t> counts;
    eventually(
        [&] {
          counts.clear();
          for (const auto& [id, status] : all_statuses()) ++counts[status];
          return counts["delivered"] == total;
        },
        timeout);
    return counts;
  }

  /// The simulator's counters (GET /stats, which also flushes its log).
  json::object smsc_stats() {
    RawClient c(control_port_);
    auto r = c.request(get("/stats"));
    if (!r || r->status != 200) return {};
    return json::parse(r->body).as_object();
  }

  std::uint64_t smsc_counter(const char* name) {
    auto stats = smsc_stats();
    return stats.contains(name) ? stats.at(name).to_number<std::uint64_t>() : 0;
  }

  /// Submits the simulator acknowledged with status 0, per destination ("49151...").
  std::map<std::string, std::size_t> acked_by_destination() {
    (void)smsc_stats();  // flushes the log
    std::map<std::string, std::size_t> out;
    std::ifstream log(dir_ + "/smsc.jsonl");
    for (std::string line; std::getline(log, line);) {
      // The last line may still be being written: the simulator goes on while this reads.
      if (line.empty() || line.back() != '}') continue;
      auto o = json::parse(line).as_object();
      const auto& status = o.at("resp_status");
      if (status.is_null() || status.to_number<std::int64_t>() != 0) continue;
      ++out[std::string(o.at("destination_addr").as_string())];
    }
    return out;
  }

  /// Recipients in `accepted` that never reached the carrier (at most 10 shown).
  static std::vector<std::string> missing(const std::vector<Accepted>& accepted,
                                          const std::map<std::string, std::size_t>& acked) {
    std::vector<std::string> out;
    for (const auto& a : accepted) {
      if (!acked.contains(a.to.substr(1))) out.push_back(a.to);
    }
    return out;
  }

  std::string dir_, config_, key_, smpp_port_;
  std::uint16_t control_port_ = 0;
  std::uint16_t port_ = 0;
  int starts_ = 0;
  std::unique_ptr<Background> smsc_;
  std::unique_ptr<Background> server_;
};

}  // namespace diskret::test

#pragma once
// Test support: either SMSC simulator (the third-party npm one in shared/peers, or our own
// diskret-smsc) as a child process, with one API over their control endpoints.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "peer_process.hpp"

namespace diskret::carrier::test {

enum class SimKind { npm, diskret };
const char* sim_name(SimKind k);

struct SimOptions {
  std::string system_id = "diskret";
  std::string password = "secret";
  unsigned dlr_delay_ms = 10;
};

/// One logged submit_sm.
struct LoggedSubmit {
  std::string destination;
  std::string message_id;  // empty when the simulator gave none (dropped, throttled)
  int resp_status = -1;    // -1: no response (dropped)
  int data_coding = 0;
  int esm_class = 0;
  std::string sm;          // short_message bytes
  std::string payload;     // message_payload bytes
  int udh_ref = -1, udh_part = -1, udh_total = -1;
};

class Simulator {
 public:
  /// Starts the simulator; `why_not` says why when it returns null (not installed/built).
  static std::unique_ptr<Simulator> start(SimKind kind, const SimOptions& options, std::string& why_not);
  ~Simulator();

  SimKind kind() const noexcept { return kind_; }
  std::uint16_t port() const noexcept { return port_; }

  bool fault(const std::string& query);  ///< "throttle=0.1&drop_every=500"
  int mo(const std::string& from, const std::string& to, const std::string& text);
  bool kick();
  boost::json::object stats();
  /// The first of `names` present in /stats (the two simulators name counters differently).
  std::uint64_t stat(std::initializer_list<const char*> names);
  std::vector<LoggedSubmit> log();
  std::string output_tail();

 private:
  Simulator() = default;
  SimKind kind_ = SimKind::npm;
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::uint16_t control_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

std::string from_hex(std::string_view hex);

}  // namespace diskret::carrier::test

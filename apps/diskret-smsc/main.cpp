// diskret-smsc: the SMSC simulator (SMPP 3.4 server). Parses flags, runs the Simulator
// until SIGTERM/SIGINT. stdout carries one startup line only; errors go to stderr.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "smsc_sim/simulator.hpp"

namespace {

using diskret::smsc_sim::HostPort;

/// CLI11 transform: HOST:PORT into the parsed value, with the parser's sentence on error.
HostPort host_port_or_throw(const std::string& text, const char* flag) {
  auto parsed = diskret::smsc_sim::parse_host_port(text);
  if (!parsed) throw CLI::ValidationError(flag, parsed.error().message());
  return *parsed;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace diskret::smsc_sim;
  SimulatorConfig cfg;
  FaultSettings& f = cfg.faults;
  std::string listen = "127.0.0.1:2775";
  std::string control = "127.0.0.1:2780";
  std::string id_format = "dec";

  CLI::App app{"diskret-smsc: SMSC simulator (SMPP 3.4 server) for demos, tests and benchmarks"};
  app.add_option("--listen", listen, "SMPP address HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--control", control, "HTTP control endpoint HOST:PORT; 'off' disables it")
      ->capture_default_str();
  app.add_option("--system-id", cfg.system_id, "accepted system_id ('*' accepts any credentials)")
      ->capture_default_str();
  app.add_option("--password", cfg.password, "accepted password")->capture_default_str();
  app.add_option("--server-id", cfg.server_system_id, "system_id sent in bind responses")
      ->capture_default_str();
  app.add_option("--log", cfg.log_path, "JSONL file: one line per received submit_sm");
  app.add_option("--dlr-delay-ms", f.dlr_delay_ms, "delay of delivery receipts")
      ->capture_default_str();
  app.add_option("--dlr-fail-ratio,--dlr-undeliv-rate", f.dlr_fail_ratio,
                 "share of receipts sent as stat:UNDELIV err:001 (evenly spread)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  app.add_option("--throttle-ratio,--throttle-rate", f.throttle_ratio,
                 "share of submits answered ESME_RTHROTTLED (evenly spread)")
      ->check(CLI::Range(0.0, 1.0))->capture_default_str();
  app.add_option("--drop-every", f.drop_every,
                 "per connection, the N-th submit gets no response and the connection is reset");
  app.add_option("--latency-ms", f.latency_ms, "delay of every submit_sm_resp");
  app.add_option("--jitter-ms", f.jitter_ms, "plus a random [0, J) ms");
  app.add_option("--refuse-binds-ms", f.refuse_binds_ms,
                 "answer binds with ESME_RBINDFAIL for this long after start");
  app.add_option("--reject-prefix", f.reject_prefix,
                 "destinations starting with this get ESME_RINVDSTADR");
  app.add_option("--redeliver-ms", f.redeliver_ms,
                 "re-send delay of a deliver_sm answered with an error")->capture_default_str();
  app.add_option("--id-format", id_format, "message_id format")
      ->check(CLI::IsMember({"dec", "hex"}))->capture_default_str();
  app.add_option("--stats-interval", cfg.stats_interval_s,
                 "stats line on stderr every S seconds while traffic flows (0: off)");
  app.add_option("--max-pending-deliver", cfg.max_pending_deliver,
                 "receipts/MOs kept while no receiver is bound")->capture_default_str();
  app.add_flag("--verbose", cfg.verbose, "session events on stderr");

  try {
    app.parse(argc, argv);
    cfg.listen = host_port_or_throw(listen, "--listen");
    cfg.control_enabled = control != "off" && !control.empty();
    if (cfg.control_enabled) cfg.control = host_port_or_throw(control, "--control");
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  cfg.id_format = id_format == "hex" ? IdFormat::hex : IdFormat::dec;

  try {
    Simulator simulator(cfg);
    simulator.bind();
    if (cfg.control_enabled) {
      std::printf("diskret-smsc: SMPP on %s:%u, control on http://%s:%u\n", cfg.listen.host.c_str(),
                  simulator.port(), cfg.control.host.c_str(), simulator.control_port());
    } else {
      std::printf("diskret-smsc: SMPP on %s:%u\n", cfg.listen.host.c_str(), simulator.port());
    }
    std::fflush(stdout);
    simulator.run(HandleSignals::yes);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "diskret-smsc: %s\n", e.what());
    return 1;
  }
  return 0;
}

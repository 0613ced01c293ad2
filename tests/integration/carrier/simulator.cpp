#include "simulator.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace diskret::carrier::test {
namespace json = boost::json;

const char* sim_name(SimKind k) { return k == SimKind::npm ? "npm_smsc_sim" : "diskret_smsc"; }

std::string from_hex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

std::unique_ptr<Simulator> Simulator::start(SimKind kind, const SimOptions& o, std::string& why_not) {
  std::unique_ptr<Simulator> sim(new Simulator());
  sim->kind_ = kind;
  sim->port_ = free_port();
  sim->control_ = free_port();
  while (sim->control_ == sim->port_) sim->control_ = free_port();
  const auto log = (sim->dir_.path() / "submits.jsonl").string();
  std::vector<std::string> argv;
  if (kind == SimKind::npm) {
    const char* env = std::getenv("DISKRET_PEERS_DIR");
    const std::filesystem::path peers = env ? env : "/work/shared/peers";
    const auto launcher = peers / "smsc-sim";
    if (!std::filesystem::exists(launcher)) {
      why_not = "no npm simulator at " + launcher.string() + " (set DISKRET_PEERS_DIR)";
      return nullptr;
    }
    // The launcher installs its node modules on first use (./setup).
    argv = {launcher.string(), "--port", std::to_string(sim->port_), "--control-port",
            std::to_string(sim->control_), "--system-id", o.system_id, "--password", o.password,
            "--log", log, "--dlr-delay-ms", std::to_string(o.dlr_delay_ms), "--stats-interval", "0"};
  } else {
    const std::filesystem::path bin = std::filesystem::path(DISKRET_BIN_DIR) / "diskret-smsc";
    if (!std::filesystem::exists(bin)) {
      why_not = "diskret-smsc is not built at " + bin.string();
      return nullptr;
    }
    argv = {bin.string(), "--listen", "127.0.0.1:" + std::to_string(sim->port_), "--control",
            "127.0.0.1:" + std::to_string(sim->control_), "--system-id", o.system_id, "--password",
            o.password, "--log", log, "--dlr-delay-ms", std::to_string(o.dlr_delay_ms)};
  }
  sim->process_ = std::make_unique<ChildProcess>(argv, sim->dir_.path() / "output.log");
  // npm's first start may run its setup (npm ci): allow for that.
  if (!wait_listening(sim->port_, std::chrono::seconds{60}) ||
      !wait_listening(sim->control_, std::chrono::seconds{10})) {
    why_not = "simulator did not start listening: " + sim->output_tail();
    return nullptr;
  }
  return sim;
}

Simulator::~Simulator() {
  if (process_) process_->stop();
}

bool Simulator::fault(const std::string& query) {
  return http(control_, "POST", "/fault?" + query).status == 200;
}

int Simulator::mo(const std::string& from, const std::string& to, const std::string& text) {
  const json::object body{{"from", from}, {"to", to}, {"text", text}};
  return http(control_, "POST", "/mo", json::serialize(body), "application/json").status;
}

bool Simulator::kick() { return http(control_, "POST", "/kick").status == 200; }

json::object Simulator::stats() {
  const auto reply = http(control_, "GET", "/stats");
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

std::uint64_t Simulator::stat(std::initializer_list<const char*> names) {
  const auto s = stats();
  for (const char* n : names) {
    if (const auto* v = s.if_contains(n)) {
      if (v->is_int64()) return static_cast<std::uint64_t>(v->as_int64());
      if (v->is_uint64()) return v->as_uint64();
      if (v->is_double()) return static_cast<std::uint64_t>(v->as_double());
    }
  }
  return 0;
}

std::vector<LoggedSubmit> Simulator::log() {
  http(control_, "POST", "/flush");
  std::vector<LoggedSubmit> out;
  std::ifstream in(dir_.path() / "submits.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    LoggedSubmit s;
    auto str = [&](const char* k) -> std::string {
      const auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string{};
    };
    auto num = [](const json::value* x, int fallback) {
      return x && x->is_int64() ? static_cast<int>(x->as_int64()) : fallback;
    };
    s.destination = str("destination_addr");
    s.message_id = str("message_id");
    s.resp_status = num(o.if_contains("resp_status"), -1);
    s.data_coding = num(o.if_contains("data_coding"), 0);
    s.esm_class = num(o.if_contains("esm_class"), 0);
    s.sm = from_hex(str("sm_hex"));
    s.payload = from_hex(str("payload_hex"));
    if (const auto* u = o.if_contains("udh"); u && u->is_object()) {
      s.udh_ref = num(u->as_object().if_contains("ref"), -1);
      s.udh_part = num(u->as_object().if_contains("part"), -1);
      s.udh_total = num(u->as_object().if_contains("total"), -1);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string Simulator::output_tail() {
  std::ifstream in(dir_.path() / "output.log");
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

}  // namespace diskret::carrier::test

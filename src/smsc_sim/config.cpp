#include "smsc_sim/config.hpp"

#include <charconv>

namespace diskret::smsc_sim {

Expected<HostPort> parse_host_port(std::string_view text) {
  HostPort out;
  std::string_view port_text = text;
  const std::size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (!host.empty()) out.host = std::string(host);
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return fail(Errc::invalid_argument,
                "expected HOST:PORT (e.g. 127.0.0.1:2775), got '" + std::string(text) + "'");
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

}  // namespace diskret::smsc_sim

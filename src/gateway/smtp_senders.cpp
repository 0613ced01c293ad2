#include "gateway/smtp_senders.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "crypto/blind_index.hpp"
#include "crypto/secret_box.hpp"

namespace diskret::gateway {
namespace {

constexpr std::size_t kMaxNetworks = 16;

bool parse_address(std::string_view text, bool& v6, std::uint8_t (&bytes)[16]) {
  const std::string s(text);
  std::memset(bytes, 0, sizeof bytes);
  if (inet_pton(AF_INET, s.c_str(), bytes) == 1) {
    v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), bytes) == 1) {
    v6 = true;
    return true;
  }
  return false;
}

// Lower-cased, one "@", a dot in the domain, no blanks or angle brackets: what a MAIL FROM
// path holds once its brackets are gone.
std::optional<std::string> normalise_address(std::string_view address) {
  if (address.empty() || address.size() > 254) return std::nullopt;
  const auto at = address.find('@');
  if (at == 0 || at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto domain = address.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.') {
    return std::nullopt;
  }
  std::string out;
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';') return std::nullopt;
    out.push_back(static_cast<char>(u < 0x80 ? std::tolower(u) : u));
  }
  return out;
}

std::vector<std::string> split_networks(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto space = text.find(' ');
    if (space != 0) out.emplace_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return out;
}

}  // namespace

Expected<Network> Network::parse(std::string_view text) {
  const auto slash = text.find('/');
  Network n;
  if (!parse_address(text.substr(0, slash), n.v6_, n.bytes_)) {
    return fail(Errc::invalid_argument, fmt::format("\"{}\" is not an IPv4 or IPv6 network", text));
  }
  const unsigned bits = n.v6_ ? 128 : 32;
  n.prefix_ = bits;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(digits)) > bits) {
      return fail(Errc::invalid_argument, fmt::format("\"{}\" has no valid prefix length", text));
    }
    n.prefix_ = static_cast<unsigned>(std::stoul(std::string(digits)));
  }
  for (unsigned bit = n.prefix_; bit < bits; ++bit) {
    if (n.bytes_[bit / 8] & (0x80u >> (bit % 8))) {
      return fail(Errc::invalid_argument,
                  fmt::format("\"{}\" has host bits set; write the network address", text));
    }
  }
  return n;
}

bool Network::contains(std::string_view address) const {
  bool v6 = false;
  std::uint8_t bytes[16];
  std::string_view a = address;
  if (a.starts_with("::ffff:") && !v6_) a.remove_prefix(7);  // IPv4 mapped into IPv6
  if (!parse_address(a, v6, bytes) || v6 != v6_) return false;
  for (unsigned bit = 0; bit < prefix_; ++bit) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if ((bytes[bit / 8] & mask) != (bytes_[bit / 8] & mask)) return false;
  }
  return true;
}

std::string Network::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_, text, sizeof text);
  return fmt::format("{}/{}", text, prefix_);
}

SmtpSenders::SmtpSenders(store::SmtpSenderStore& store, store::KeyRing& keys, const Clock& clock)
    : store_(store),
      keys_(keys),
      clock_(clock),
      index_key_(crypto::derive_key(keys.api_key_pepper(), 3, "smtpsndr")) {}

std::string SmtpSenders::index_of(std::string_view address) const {
  const auto index = crypto::blind_index(index_key_, address);
  return std::string(reinterpret_cast<const char*>(index.data()), index.size());
}

std::string SmtpSenders::ad(std::uint64_t tenant) { return fmt::format("smtp_sender:{}", tenant); }

Expected<SmtpSender> SmtpSenders::add(std::uint64_t tenant, std::string_view address,
                                      const std::vector<std::string>& networks) {
  auto normal = normalise_address(address);
  if (!normal) return fail(Errc::invalid_argument, "address: not an email address");
  if (networks.empty()) {
    return fail(Errc::invalid_argument,
                "networks: name the networks of your mail servers (a sender address alone is "
                "easy to forge)");
  }
  if (networks.size() > kMaxNetworks) {
    return fail(Errc::invalid_argument, fmt::format("networks: at most {}", kMaxNetworks));
  }
  SmtpSender sender;
  for (const auto& text : networks) {
    auto n = Network::parse(text);
    if (!n) return fail(Errc::invalid_argument, "networks: " + n.error().detail);
    sender.networks.push_back(n->to_string());
  }
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  store::SmtpSenderRecord r;
  r.tenant_id = tenant;
  r.address_index = index_of(*normal);
  r.address = crypto::seal((*tenant_keys)->data_key, *normal, ad(tenant));
  for (const auto& n : sender.networks) r.networks += (r.networks.empty() ? "" : " ") + n;
  r.created_at = clock_.now_ms();
  auto id = store_.insert(r);
  if (!id) {
    if (id.error().code == make_error_code(Errc::already_exists)) {
      return fail(Errc::already_exists, "address: this address is registered already");
    }
    return unexpected(id.error());
  }
  sender.id = *id;
  sender.address = std::move(*normal);
  sender.created_at = SystemTime{std::chrono::milliseconds{r.created_at}};
  return sender;
}

Expected<std::vector<SmtpSender>> SmtpSenders::list(std::uint64_t tenant) {
  auto rows = store_.list(tenant);
  if (!rows) return unexpected(rows.error());
  auto tenant_keys = keys_.tenant(tenant);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  std::vector<SmtpSender> out;
  for (const auto& r : *rows) {
    auto address = crypto::open((*tenant_keys)->data_key, r.address, ad(tenant));
    if (!address) return unexpected(address.error());
    out.push_back({r.id, std::move(*address), split_networks(r.networks),
                   SystemTime{std::chrono::milliseconds{r.created_at}}});
  }
  return out;
}

Expected<void> SmtpSenders::remove(std::uint64_t tenant, std::uint64_t id) {
  auto done = store_.remove(tenant, id);
  if (!done) return unexpected(done.error());
  if (!*done) return fail(Errc::not_found, "no such sender address");
  return {};
}

Expected<std::optional<std::uint64_t>> SmtpSenders::resolve(std::string_view address,
                                                            std::string_view client_ip) {
  auto normal = normalise_address(address);
  if (!normal) return std::optional<std::uint64_t>{};
  auto row = store_.find(index_of(*normal));
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<std::uint64_t>{};
  for (const auto& text : split_networks((*row)->networks)) {
    auto n = Network::parse(text);
    if (n && n->contains(client_ip)) return std::optional<std::uint64_t>{(*row)->tenant_id};
  }
  return std::optional<std::uint64_t>{};
}

}  // namespace diskret::gateway

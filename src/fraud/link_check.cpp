#include "fraud/link_check.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace diskret::fraud {
namespace {

// Public URL shorteners: they hide the target from the recipient and from us.
constexpr std::array<std::string_view, 32> kShorteners{
    "bit.ly",    "bitly.com", "tinyurl.com", "t.co",     "goo.gl",   "ow.ly",     "is.gd",
    "buff.ly",   "cutt.ly",   "rebrand.ly",  "shorturl.at", "t.ly",  "tiny.cc",   "v.gd",
    "rb.gy",     "s.id",      "bl.ink",      "lnkd.in",  "soo.gd",   "clck.ru",   "qr.ae",
    "trib.al",   "shorte.st", "adf.ly",      "bit.do",   "urlz.fr",  "x.gd",      "y2u.be",
    "u.to",      "short.gy",  "tiny.one",    "kurzelinks.de"};

// Host name words typical of credential phishing ("secure-login-bank.example").
constexpr std::array<std::string_view, 10> kBait{"login", "signin", "verify", "verification",
                                                 "secure", "account", "update", "unlock",
                                                 "password", "wallet"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_ipv4(std::string_view host) {
  int dots = 0, digits = 0;
  for (char c : host) {
    if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = 0;
    } else if (std::isdigit(static_cast<unsigned char>(c)) && ++digits <= 3) {
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0;
}

bool ends_with_domain(std::string_view host, std::string_view domain) {
  if (host == domain) return true;
  return host.size() > domain.size() && host.ends_with(domain) &&
         host[host.size() - domain.size() - 1] == '.';
}

// A token that looks like a link: with a scheme, "www.", or host.tld/...
struct Candidate {
  std::string authority;  ///< lowercase, up to the first '/', '?' or '#'
  bool scheme = false;
};

std::optional<Candidate> as_link(std::string_view token) {
  while (!token.empty() && std::string_view("([<'\"").find(token.front()) != std::string_view::npos) {
    token.remove_prefix(1);
  }
  while (!token.empty() && std::string_view(".,;:!?)]>'\"").find(token.back()) != std::string_view::npos) {
    token.remove_suffix(1);
  }
  Candidate c;
  std::string t = lower(token);
  std::string_view v = t;
  for (std::string_view scheme : {"https://", "http://", "hxxp://", "hxxps://"}) {
    if (v.starts_with(scheme)) {
      v.remove_prefix(scheme.size());
      c.scheme = true;
      break;
    }
  }
  c.authority = std::string(v.substr(0, v.find_first_of("/?#")));
  if (c.authority.empty()) return std::nullopt;
  const auto dot = c.authority.rfind('.');
  if (!c.scheme) {
    // Without a scheme only host.tld with a letter TLD counts ("z.B." and "3.50" do not).
    if (dot == std::string::npos || dot == 0 || c.authority.size() - dot < 3) return std::nullopt;
    for (std::size_t i = dot + 1; i < c.authority.size(); ++i) {
      if (!std::isalpha(static_cast<unsigned char>(c.authority[i]))) return std::nullopt;
    }
    if (c.authority.find('@') != std::string::npos) return std::nullopt;  // an email address
  }
  return c;
}

}  // namespace

LinkCheck::LinkCheck(std::vector<std::string> own_domains) : own_(std::move(own_domains)) {
  for (auto& d : own_) d = lower(d);
}

std::optional<LinkFinding> LinkCheck::check(std::string_view text) const {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t end = i;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    auto link = as_link(text.substr(i, end - i));
    i = end;
    if (!link) continue;
    std::string host = link->authority;
    if (auto at = host.rfind('@'); at != std::string::npos) {
      // "https://paypal.com@evil.example/": the part before '@' is user info, not the host.
      return LinkFinding{"userinfo", host.substr(at + 1)};
    }
    if (host.starts_with('[')) return LinkFinding{"ip_address_host", host};  // IPv6 literal
    if (auto colon = host.find(':'); colon != std::string::npos) host.resize(colon);
    if (std::any_of(own_.begin(), own_.end(), [&](const auto& d) { return ends_with_domain(host, d); })) {
      continue;
    }
    if (is_ipv4(host)) return LinkFinding{"ip_address_host", host};
    for (auto s : kShorteners) {
      if (ends_with_domain(host, s)) return LinkFinding{"url_shortener", host};
    }
    if (host.starts_with("xn--") || host.find(".xn--") != std::string::npos) {
      return LinkFinding{"punycode_host", host};
    }
    // Bait words in the host's labels (not in a path): "account-verify.example".
    const auto registrable = host.substr(0, host.rfind('.'));
    int bait = 0;
    for (auto word : kBait) bait += registrable.find(word) != std::string::npos ? 1 : 0;
    if (bait >= 2 || (bait == 1 && std::count(host.begin(), host.end(), '-') >= 2)) {
      return LinkFinding{"credential_bait", host};
    }
  }
  return std::nullopt;
}

}  // namespace diskret::fraud

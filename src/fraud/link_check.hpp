#pragma once
/// LinkCheck (issue 11, optional per tenant): links in a text that hide where they lead
/// (URL shorteners) or look like phishing (a raw IP address as host, punycode look-alikes,
/// user-info before the host, credential-bait host names) get the message held for review.
/// Pure; links with or without a scheme ("bit.ly/x", "https://1.2.3.4/login") are seen.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace diskret::fraud {

struct LinkFinding {
  std::string kind;  ///< "url_shortener" | "ip_address_host" | "punycode_host" | "userinfo" | "credential_bait"
  std::string host;  ///< the host that was flagged (lowercase), never the whole URL
};

class LinkCheck {
 public:
  /// `own_domains`: hosts that are never flagged (the platform's own short-link domain).
  explicit LinkCheck(std::vector<std::string> own_domains = {});
  /// The first suspicious link of `text`, if any.
  std::optional<LinkFinding> check(std::string_view text) const;

 private:
  std::vector<std::string> own_;
};

}  // namespace diskret::fraud

#pragma once
/// /.well-known/security.txt (RFC 9116): where to report a vulnerability, until when the
/// file is valid. Pure text building; serve registers the route.
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "http/message.hpp"

namespace diskret::http {

struct SecurityTxt {
  std::vector<std::string> contact;  ///< mailto:, https:// or tel: URIs; none: no file
  std::string expires;               ///< RFC 3339; empty: `now` + 180 days
  std::string policy;                ///< optional https URL
  std::string preferred_languages = "en, de";
};

/// The file's text (CRLF lines), or "" without a contact. Values with CR or LF are dropped,
/// so configuration cannot inject fields.
std::string render_security_txt(const SecurityTxt& txt, SystemTime now);

/// GET handler: 200 text/plain; charset=utf-8 with the text, or 404 problem+json without one.
Handler security_txt_handler(std::string text);

}  // namespace diskret::http

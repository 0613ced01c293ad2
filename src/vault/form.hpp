#pragma once
/// The hosted card form that the portal embeds in an iframe: an HTML page with an
/// external script and stylesheet (no inline code, so the CSP can forbid it). The form
/// posts the card as JSON to /v1/cards and hands the resulting token (never the number)
/// to the parent window with postMessage, addressed to the portal origin only.
#include <string>
#include <string_view>

namespace diskret::vault {

/// Message type of the postMessage payload: {type, card: {token, brand, last4, exp_month,
/// exp_year}}.
inline constexpr std::string_view kFormMessageType = "diskret-vault:card-stored";

/// Content-Security-Policy of the form page: only same-origin resources and connections,
/// framing only by `portal_origin`.
std::string form_csp(std::string_view portal_origin);

/// The page for a verified owner. `endpoint` is the POST target (with the signed owner
/// query); all values are HTML-escaped.
std::string form_html(std::string_view endpoint, std::string_view portal_origin);
/// The page shown when the link is invalid or expired.
std::string form_error_html(std::string_view message);

std::string_view form_js();
std::string_view form_css();

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace diskret::vault

#include "http/security_txt.hpp"

#include <ctime>

#include <fmt/format.h>

#include "http/problem.hpp"

namespace diskret::http {
namespace {

bool one_line(const std::string& v) { return v.find_first_of("\r\n") == std::string::npos; }

std::string rfc3339(SystemTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string render_security_txt(const SecurityTxt& txt, SystemTime now) {
  std::string out;
  for (const auto& c : txt.contact) {
    if (!c.empty() && one_line(c)) out += "Contact: " + c + "\r\n";
  }
  if (out.empty()) return {};
  const std::string expires = !txt.expires.empty() && one_line(txt.expires)
                                  ? txt.expires
                                  : rfc3339(now + std::chrono::hours{24 * 180});
  out += "Expires: " + expires + "\r\n";
  if (!txt.policy.empty() && one_line(txt.policy)) out += "Policy: " + txt.policy + "\r\n";
  if (!txt.preferred_languages.empty() && one_line(txt.preferred_languages)) {
    out += "Preferred-Languages: " + txt.preferred_languages + "\r\n";
  }
  return out;
}

Handler security_txt_handler(std::string text) {
  return [text = std::move(text)](Request&&, Respond respond) {
    if (text.empty()) {
      respond(problem(404, "not-found", "Not found",
                      "No security contact is configured ([security] contact)."));
      return;
    }
    respond(Response{200, "text/plain; charset=utf-8", {{"Cache-Control", "max-age=86400"}}, text});
  };
}

}  // namespace diskret::http

#include "inbound/event_json.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <ctime>

namespace diskret::inbound {

namespace json = boost::json;

std::string format_utc_ms(SystemTime t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  const auto frac = (ms - secs).count();
  // gmtime_r, not fmt's chrono formatter: fmt 9 formats system_clock times in local time.
  const std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

std::string to_json(const StatusEvent& event) {
  json::object o;
  o["event"] = kStatusEvent;
  o["id"] = event.message_id;
  o["status"] = event.status;
  o["to"] = event.to;
  if (event.error) {
    o["error"] = json::object{{"code", event.error->code}, {"detail", event.error->detail}};
  }
  o["at"] = format_utc_ms(event.at);
  return json::serialize(o);
}

std::string to_json(const InboundEvent& event) {
  json::object o;
  o["event"] = kInboundEvent;
  o["id"] = event.id;
  o["from"] = event.from;
  o["to"] = event.to;
  o["text"] = event.text;
  o["received_at"] = format_utc_ms(event.received_at);
  if (event.keyword) o["keyword"] = *event.keyword;
  return json::serialize(o);
}

std::string to_json(const AlertEvent& event) {
  json::object o;
  o["event"] = kAlertEvent;
  o["id"] = event.id;
  o["kind"] = event.kind;
  o["severity"] = event.severity;
  o["scope"] = event.tenant == 0 ? "platform" : "tenant";
  boost::system::error_code ec;
  json::value details = json::parse(event.details, ec);
  if (ec || !details.is_object()) details = json::object{{"note", event.details}};
  o["details"] = std::move(details);
  o["at"] = format_utc_ms(event.at);
  return json::serialize(o);
}

}  // namespace diskret::inbound

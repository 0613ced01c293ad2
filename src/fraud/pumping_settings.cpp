#include "fraud/pumping_settings.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace diskret::fraud {
namespace json = boost::json;
namespace {

constexpr std::string_view kPrefix = "pumping_prefix_per_hour";
constexpr std::string_view kUnusual = "pumping_unusual_per_hour";

json::value optional_json(std::optional<std::uint32_t> v) {
  return v ? json::value(static_cast<std::int64_t>(*v)) : json::value(nullptr);
}

// null -> unset; otherwise the integer (validate() checked it).
std::optional<std::uint32_t> optional_of(const json::value& v) {
  if (v.is_null()) return std::nullopt;
  return static_cast<std::uint32_t>(v.as_int64());
}

}  // namespace

bool PumpingSettings::owns(std::string_view key) const { return key == kPrefix || key == kUnusual; }

Expected<void> PumpingSettings::show(std::uint64_t tenant, json::object& shown) {
  auto s = held_.settings(tenant);
  if (!s) return unexpected(s.error());
  shown[kPrefix] = optional_json(s->prefix_per_hour);
  shown[kUnusual] = optional_json(s->unusual_per_hour);
  shown["pumping_limits"] =
      json::object{{"prefix_per_hour", std::int64_t{s->prefix_per_hour.value_or(bounds_.prefix_default)}},
                   {"unusual_per_hour", std::int64_t{s->unusual_per_hour.value_or(bounds_.unusual_default)}},
                   {"prefix_per_hour_max", std::int64_t{bounds_.prefix_max}},
                   {"unusual_per_hour_max", std::int64_t{bounds_.unusual_max}}};
  return {};
}

void PumpingSettings::validate(const json::object& body, std::vector<http::FieldError>& errors) const {
  auto check = [&](std::string_view key, std::int64_t min, std::int64_t max) {
    auto* v = body.if_contains(key);
    if (!v || v->is_null()) return;
    if (!v->is_int64() || v->as_int64() < min || v->as_int64() > max) {
      errors.push_back({std::string(key), fmt::format("must be null (the platform's default) or an "
                                                      "integer from {} to {}",
                                                      min, max)});
    }
  };
  // At least one per range per hour: 0 would mean no limit, which only the operator may set.
  check(kPrefix, 1, bounds_.prefix_max);
  check(kUnusual, 0, bounds_.unusual_max);
}

Expected<void> PumpingSettings::save(std::uint64_t tenant, const json::object& body,
                                     const std::string& actor) {
  auto current = held_.settings(tenant);
  if (!current) return unexpected(current.error());
  AbuseSettings next = *current;
  if (auto* v = body.if_contains(kPrefix)) next.prefix_per_hour = optional_of(*v);
  if (auto* v = body.if_contains(kUnusual)) next.unusual_per_hour = optional_of(*v);
  if (next == *current) return {};
  if (auto ok = held_.set_settings(tenant, next); !ok) return ok;
  if (audit_) {
    audit_(tenant, actor, "tenant.pumping_limits_changed", "tenant",
           json::serialize(json::object{{"prefix_per_hour", optional_json(next.prefix_per_hour)},
                                        {"unusual_per_hour", optional_json(next.unusual_per_hour)}}));
  }
  return {};
}

}  // namespace diskret::fraud

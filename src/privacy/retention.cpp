#include "privacy/retention.hpp"

#include <array>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "privacy/errc.hpp"

namespace diskret::privacy {
namespace {

namespace json = boost::json;

struct Field {
  std::string_view key;
  Days RetentionPolicy::*member;
};

constexpr std::array<Field, 4> kFields{{
    {"message_text_days", &RetentionPolicy::message_text},
    {"message_numbers_days", &RetentionPolicy::message_numbers},
    {"inbound_text_days", &RetentionPolicy::inbound_text},
    {"inbound_numbers_days", &RetentionPolicy::inbound_numbers},
}};

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t before(std::int64_t now_ms, Days d) { return now_ms - d.count() * kDayMs; }

}  // namespace

Expected<void> validate(const RetentionPolicy& p) {
  for (const auto& f : kFields) {
    const auto days = (p.*f.member).count();
    if (days < kMinRetentionDays || days > kMaxRetentionDays) {
      return fail(Errc::invalid_policy, fmt::format("{} must be between {} and {} days", f.key,
                                                    kMinRetentionDays, kMaxRetentionDays));
    }
  }
  if (p.message_text > p.message_numbers) {
    return fail(Errc::invalid_policy,
                "message_text_days must not exceed message_numbers_days (texts are removed "
                "with the number at the latest)");
  }
  if (p.inbound_text > p.inbound_numbers) {
    return fail(Errc::invalid_policy,
                "inbound_text_days must not exceed inbound_numbers_days (texts are removed "
                "with the number at the latest)");
  }
  return {};
}

std::string to_json(const RetentionPolicy& p) {
  json::object o;
  for (const auto& f : kFields) o[f.key] = (p.*f.member).count();
  return json::serialize(o);
}

Expected<RetentionPolicy> policy_from_json(std::string_view text, const RetentionPolicy& base) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return fail(Errc::invalid_policy, "retention settings must be a JSON object");
  RetentionPolicy p = base;
  for (const auto& [key, v] : value.as_object()) {
    const Field* field = nullptr;
    for (const auto& f : kFields) {
      if (f.key == key) field = &f;
    }
    if (field == nullptr) {
      return fail(Errc::invalid_policy, fmt::format("unknown retention setting {}", std::string_view(key)));
    }
    if (!v.is_int64() && !v.is_uint64()) {
      return fail(Errc::invalid_policy, fmt::format("{} must be a whole number of days", field->key));
    }
    const auto days = v.is_int64() ? v.as_int64() : static_cast<std::int64_t>(std::min<std::uint64_t>(v.as_uint64(), INT64_MAX));
    p.*(field->member) = Days{days};
  }
  if (auto ok = validate(p); !ok) return unexpected(ok.error());
  return p;
}

RetentionCutoffs cutoffs(const RetentionPolicy& p, std::int64_t now_ms) {
  return {before(now_ms, p.message_text), before(now_ms, p.message_numbers),
          before(now_ms, p.inbound_text), before(now_ms, p.inbound_numbers)};
}

Scrub scrub_message(const MessageFacts& m, const RetentionCutoffs& c) {
  if (!m.done_at_ms || m.pseudonymised) return Scrub::keep;
  // done_at is the end of the message's life; the creation time bounds it from below
  // for rows whose done_at was lost.
  const auto at = std::max(*m.done_at_ms, m.created_at_ms);
  if (at < c.message_numbers_ms) return Scrub::pseudonymise;
  if (at < c.message_text_ms && !m.text_dropped) return Scrub::drop_text;
  return Scrub::keep;
}

Scrub scrub_inbound(const InboundFacts& i, const RetentionCutoffs& c) {
  if (!i.handled || i.pseudonymised) return Scrub::keep;
  if (i.received_at_ms < c.inbound_numbers_ms) return Scrub::pseudonymise;
  if (i.received_at_ms < c.inbound_text_ms && !i.text_dropped) return Scrub::drop_text;
  return Scrub::keep;
}

}  // namespace diskret::privacy

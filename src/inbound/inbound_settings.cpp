#include "inbound/inbound_settings.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace diskret::inbound {
namespace {

namespace json = boost::json;

constexpr std::pair<KeywordKind, const char*> kKinds[] = {
    {KeywordKind::stop, "stop"},
    {KeywordKind::start, "start"},
    {KeywordKind::help, "help"},
    {KeywordKind::confirm, "confirm"},
};

Error shape(std::string_view field, std::string_view what) {
  return Error{make_error_code(Errc::invalid_text), fmt::format("{} must be {}.", field, what)};
}

}  // namespace

Expected<InboundSettings> parse_settings(std::string_view text, std::string_view display_name) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return unexpected(shape("The settings", "a JSON object"));
  InboundSettings s;
  s.replies = ReplyTexts::defaults(display_name);
  const json::object& o = v.as_object();
  for (const auto& [key, _] : o) {
    if (key != "keywords" && key != "replies") {
      return unexpected(
          shape(fmt::format("\"{}\"", std::string_view(key)), "absent (unknown field)"));
    }
  }
  if (const json::value* k = o.if_contains("keywords")) {
    if (!k->is_object()) return unexpected(shape("keywords", "an object"));
    for (const auto& [kind, name] : kKinds) {
      const json::value* list = k->as_object().if_contains(name);
      if (!list) continue;
      if (!list->is_array()) return unexpected(shape(fmt::format("keywords.{}", name), "an array"));
      auto& out = s.keywords.of(kind);
      out.clear();
      for (const json::value& w : list->as_array()) {
        if (!w.is_string()) {
          return unexpected(shape(fmt::format("keywords.{}", name), "an array of strings"));
        }
        out.emplace_back(w.as_string());
      }
    }
  }
  if (const json::value* r = o.if_contains("replies")) {
    if (!r->is_object()) return unexpected(shape("replies", "an object"));
    for (const auto& [kind, name] : kKinds) {
      const json::value* t = r->as_object().if_contains(name);
      if (!t) continue;
      if (!t->is_string()) return unexpected(shape(fmt::format("replies.{}", name), "a string"));
      s.replies.for_kind(kind) = std::string(t->as_string());
    }
  }
  if (auto m = KeywordMatcher::create(s.keywords); !m) return unexpected(m.error());
  if (auto ok = validate(s.replies); !ok) return unexpected(ok.error());
  return s;
}

std::string to_json(const InboundSettings& settings) {
  json::object keywords;
  json::object replies;
  for (const auto& [kind, name] : kKinds) {
    json::array a;
    for (const auto& w : settings.keywords.of(kind)) a.emplace_back(w);
    keywords[name] = std::move(a);
    replies[name] = settings.replies.for_kind(kind);
  }
  return json::serialize(
      json::object{{"keywords", std::move(keywords)}, {"replies", std::move(replies)}});
}

CompiledSettings compile_settings(const std::optional<std::string>& stored,
                                  std::string_view display_name) {
  if (stored) {
    if (auto s = parse_settings(*stored, display_name)) {
      if (auto m = KeywordMatcher::create(s->keywords))
        return {std::move(*m), std::move(s->replies)};
    }
  }
  return {KeywordMatcher::standard(), ReplyTexts::defaults(display_name)};
}

}  // namespace diskret::inbound

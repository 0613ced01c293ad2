#include "audit/entry.hpp"

#include <array>
#include <utility>

#include "audit/errc.hpp"

namespace diskret::audit {
namespace {

constexpr std::array<std::pair<ActorKind, std::string_view>, 5> kKinds{{
    {ActorKind::system, "system"},
    {ActorKind::api_key, "api_key"},
    {ActorKind::user, "user"},
    {ActorKind::operator_staff, "operator"},
    {ActorKind::smpp, "smpp"},
}};

}  // namespace

std::string Actor::to_string() const {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return std::string(name) + ":" + id;
  }
  return "unknown:" + id;
}

Expected<Actor> Actor::parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return fail(Errc::invalid_entry, "an actor is written <kind>:<id>");
  }
  const auto id = text.substr(colon + 1);
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail(Errc::invalid_entry, "an actor id must not contain control characters");
    }
  }
  for (const auto& [kind, name] : kKinds) {
    if (name == text.substr(0, colon)) return Actor{kind, std::string(id)};
  }
  return fail(Errc::invalid_entry, "unknown actor kind");
}

}  // namespace diskret::audit

#include <array>

#include "tenancy/tenancy.hpp"

namespace diskret::tenancy {
namespace {

constexpr std::array<const char*, 4> kRoles = {"owner", "admin", "sender", "viewer"};

}  // namespace

const char* role_name(Role r) noexcept {
  const auto i = static_cast<std::size_t>(r);
  return i < kRoles.size() ? kRoles[i] : "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    if (text == kRoles[i]) return static_cast<Role>(i);
  }
  return std::nullopt;
}

}  // namespace diskret::tenancy

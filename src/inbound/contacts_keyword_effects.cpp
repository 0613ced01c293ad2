#include "inbound/contacts_keyword_effects.hpp"

namespace diskret::inbound {

Expected<bool> ContactsKeywordEffects::suppress(std::uint64_t tenant, std::string_view e164) {
  return suppressions_.add(tenant, e164, "STOP by SMS", contacts::kSourceKeyword);
}

Expected<bool> ContactsKeywordEffects::unsuppress(std::uint64_t tenant, std::string_view e164) {
  // START lifts only what a STOP did: an entry the tenant made stays.
  return suppressions_.remove(tenant, e164, contacts::kSourceKeyword, contacts::kSourceKeyword);
}

Expected<bool> ContactsKeywordEffects::confirm(std::uint64_t tenant, std::string_view e164) {
  auto done = contacts_.confirm_double_opt_in(tenant, e164, double_opt_in_);
  if (!done) return unexpected(done.error());
  return *done == contacts::Confirmation::confirmed;
}

}  // namespace diskret::inbound

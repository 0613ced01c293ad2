#pragma once
/// KeywordEffects: what a STOP, START or confirmation keyword changes outside the inbound
/// module: the tenant's suppression list and a pending double opt-in. The seam between
/// MoIntake and the contacts services (contacts_keyword_effects.hpp); tests use fakes.
/// Each call is one transaction of its own and idempotent, so a keyword whose effects are
/// applied again after a crash changes nothing twice.
#include <cstdint>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::inbound {

class KeywordEffects {
 public:
  virtual ~KeywordEffects() = default;
  /// Puts the number on the tenant's suppression list (source sms_keyword) and withdraws a
  /// contact's marketing consent. False when it was suppressed already.
  virtual Expected<bool> suppress(std::uint64_t tenant, std::string_view e164) = 0;
  /// Lifts a suppression that a STOP keyword made (not one the tenant added). False when
  /// there was none.
  virtual Expected<bool> unsuppress(std::uint64_t tenant, std::string_view e164) = 0;
  /// Confirms a pending double opt-in. False when nothing was pending (or it expired).
  virtual Expected<bool> confirm(std::uint64_t tenant, std::string_view e164) = 0;
};

}  // namespace diskret::inbound

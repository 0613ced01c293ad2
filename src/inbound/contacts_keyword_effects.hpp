#pragma once
/// KeywordEffects on the contacts services: suppressions through SuppressionService
/// (source "sms_keyword"), confirmations through ContactService's double opt-in hook.
#include "contacts/consent.hpp"
#include "contacts/contact_service.hpp"
#include "contacts/suppression_service.hpp"
#include "inbound/keyword_effects.hpp"

namespace diskret::inbound {

class ContactsKeywordEffects final : public KeywordEffects {
 public:
  ContactsKeywordEffects(contacts::SuppressionService& suppressions,
                         contacts::ContactService& contacts,
                         contacts::DoubleOptInSettings double_opt_in = {})
      : suppressions_(suppressions),
        contacts_(contacts),
        double_opt_in_(std::move(double_opt_in)) {}

  // KeywordEffects
  Expected<bool> suppress(std::uint64_t tenant, std::string_view e164) override;
  Expected<bool> unsuppress(std::uint64_t tenant, std::string_view e164) override;
  Expected<bool> confirm(std::uint64_t tenant, std::string_view e164) override;

 private:
  contacts::SuppressionService& suppressions_;
  contacts::ContactService& contacts_;
  contacts::DoubleOptInSettings double_opt_in_;
};

}  // namespace diskret::inbound

#pragma once
/// ContactsSendPolicy: the SendPolicy of issue 4. A suppressed number is rejected with
/// code "suppressed" whatever the category; marketing to a number without granted consent
/// is rejected with "no_consent"; a marketing text without an opt-out instruction gets the
/// tenant's ("Abmelden: STOP an <number>", the number the tenant's STOP replies reach),
/// and the extra segments count before the request is accepted.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "api/send_policy.hpp"
#include "contacts/recipient_gate.hpp"

namespace diskret::api {

/// The number a tenant's recipients answer keywords to (a short code first, else a long
/// number); nullopt when the operator assigned none.
using ReplyNumberSource = std::function<Expected<std::optional<std::string>>(std::uint64_t tenant)>;

class ContactsSendPolicy final : public SendPolicy {
 public:
  ContactsSendPolicy(contacts::RecipientGate& gate, ReplyNumberSource reply_number)
      : gate_(gate), reply_number_(std::move(reply_number)) {}

  // SendPolicy
  Expected<void, http::Problem> prepare(const Caller& caller, SendRequest& request) override;
  Expected<void, http::Problem> screen(const Caller& caller,
                                       std::vector<pipeline::NewMessage>& messages) override;

 private:
  contacts::RecipientGate& gate_;
  ReplyNumberSource reply_number_;
};

/// 503 when a dependency cannot answer now, 500 otherwise; never personal data.
http::Problem store_problem(const Error& error, std::string_view what);

}  // namespace diskret::api

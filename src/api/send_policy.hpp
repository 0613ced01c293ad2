#pragma once
/// SendPolicy: rules a send must pass beyond the request's own validity (consent, opt-out
/// instruction, suppression list). The Api asks it when one is set; contacts_send_policy
/// implements it.
#include <vector>

#include "api/authenticator.hpp"
#include "api/send_request.hpp"
#include "core/expected.hpp"
#include "http/problem.hpp"
#include "pipeline/message.hpp"

namespace diskret::api {

class SendPolicy {
 public:
  virtual ~SendPolicy() = default;
  /// Before planning: may change the text (marketing gets the opt-out instruction, its
  /// segments counted) or refuse the whole request (422, 503).
  virtual Expected<void, http::Problem> prepare(const Caller& caller, SendRequest& request) = 0;
  /// After planning: marks the recipients that may not get the message `rejected`.
  virtual Expected<void, http::Problem> screen(const Caller& caller,
                                               std::vector<pipeline::NewMessage>& messages) = 0;
};

}  // namespace diskret::api

#include "smtp/delivery.hpp"

#include "smtp/mime_to_text.hpp"

namespace diskret::smtp {

Expected<Submission> make_submission(Envelope&& envelope) {
  TextOptions options;
  options.subject_as_prefix = envelope.tenant.subject_as_prefix;
  auto text = mime_to_text(envelope.message, options);
  std::string().swap(envelope.message);
  if (!text) return unexpected(text.error());
  return Submission{std::move(envelope.tenant), std::move(envelope.sender),
                    std::move(envelope.recipients), std::move(*text)};
}

void deliver(Backend& backend, Envelope&& envelope, Backend::Done done) {
  auto submission = make_submission(std::move(envelope));
  if (!submission) return done(unexpected(submission.error()));
  backend.submit(std::move(*submission), std::move(done));
}

}  // namespace diskret::smtp

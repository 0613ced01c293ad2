#pragma once
/// The step between DATA and the backend: an Envelope becomes a Submission (SMS text).
#include "core/expected.hpp"
#include "smtp/backend.hpp"
#include "smtp/smtp_session.hpp"

namespace diskret::smtp {

/// Converts the raw message with mime_to_text (the tenant's subject setting applied) and
/// drops the raw message: attachments and headers are never kept or stored. The error
/// (Errc::empty_text, Errc::malformed_message) goes to SmtpSession::on_delivered().
Expected<Submission> make_submission(Envelope&& envelope);

/// make_submission + Backend::submit; `done` gets the conversion error directly.
void deliver(Backend& backend, Envelope&& envelope, Backend::Done done);

}  // namespace diskret::smtp

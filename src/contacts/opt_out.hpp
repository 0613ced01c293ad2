#pragma once
/// The opt-out rule for marketing SMS: every marketing text carries an instruction how to
/// stop further messages (UWG section 7 (3), GDPR art. 21); when the tenant's text lacks
/// it, the tenant's opt-out text is appended and the segments are counted with it. Pure.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "sms/text.hpp"

namespace diskret::contacts {

/// "Abmelden: STOP an 12345" for the tenant's inbound number or short code.
std::string default_opt_out_text(std::string_view reply_number);

/// True when `text` already carries an opt-out instruction: it contains `opt_out_text`
/// (ignoring ASCII case and runs of blanks), or a stop keyword (STOP, STOPP, ABMELDEN,
/// ABBESTELLEN, UNSUBSCRIBE) in capitals as a word of its own together with the number
/// named in `opt_out_text` (any keyword alone when that text names no number). Deliberately
/// strict: a miss costs an appended line, a false hit would send marketing without a way out.
bool has_opt_out_instruction(std::string_view text, std::string_view opt_out_text);

struct OptOutText {
  std::string text;                ///< what is sent
  bool appended = false;           ///< the opt-out text was added on a new line
  sms::TextInfo info;              ///< of `text`: encoding and segments to bill and check
  std::size_t extra_segments = 0;  ///< segments the addition costs (0 when not appended)
};

/// The marketing text as sent. Fails with sms errors for empty or invalid text and with
/// Errc::no_opt_out_text when an instruction is missing and `opt_out_text` is empty.
Expected<OptOutText> ensure_opt_out(std::string_view text, std::string_view opt_out_text,
                                    const sms::TextOptions& options = {});

}  // namespace diskret::contacts

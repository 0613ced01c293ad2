#pragma once
/// A raw mail (RFC 5322 + MIME) -> the UTF-8 text of one SMS, parsed with GMime 3.
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::smtp {

struct TextOptions {
  bool subject_as_prefix = false;  ///< "Subject: body" (a tenant setting; default off)
};

/// Picks the first inline text/plain part (text/html converted to text when there is no
/// usable plain part), decodes quoted-printable/base64, converts any charset to UTF-8 and
/// applies the text_cleanup rules (quoted replies, signature, whitespace). Attachments
/// (a Content-Disposition of attachment, a file name, attached messages) are never read.
/// Errc::empty_text when nothing is left; Errc::malformed_message when GMime cannot parse.
/// Pure: the same bytes always give the same text.
Expected<std::string> mime_to_text(std::string_view raw_message, const TextOptions& options = {});

/// Bytes in `charset` (a MIME charset name; empty = undeclared) -> valid UTF-8. Undeclared
/// or mislabelled 8-bit text is read as UTF-8 when it is valid UTF-8, otherwise as
/// Windows-1252; unknown charsets likewise.
std::string to_utf8(std::string_view bytes, std::string_view charset);

}  // namespace diskret::smtp

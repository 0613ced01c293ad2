#pragma once
/// Plain-text rules that turn a mail body into an SMS text: format=flowed, quoted replies,
/// signatures, whitespace. Pure functions on UTF-8 with '\n' line ends.
#include <string>
#include <string_view>

namespace diskret::smtp {

/// RFC 3676 format=flowed: joins soft-broken lines (ending in a space), undoes space
/// stuffing; with delsp=yes the soft-break space is deleted.
std::string unflow(std::string_view text, bool delsp);

/// Removes quoted lines (starting with '>') together with the attribution line before a
/// quoted block ("On ... wrote:", "Am ... schrieb ...:", also wrapped over two lines), and
/// cuts everything from an "-----Original Message-----" / "-----Ursprüngliche Nachricht-----"
/// line or an Outlook "____" + "From:"/"Von:" header block on.
std::string strip_quoted_reply(std::string_view text);

/// Cuts the signature: everything from the first line that is "-- " (or "--", as mail
/// clients that trim trailing spaces send it).
std::string strip_signature(std::string_view text);

/// Tabs and Unicode spaces become spaces, invisible characters (zero-width space, BOM,
/// soft hyphen) and control characters go, runs of spaces shrink to one, lines are
/// trimmed, at most one blank line separates paragraphs, no blank lines at either end.
std::string normalise_whitespace(std::string_view text);

}  // namespace diskret::smtp

#pragma once
/// Parsing of SMTP command lines (RFC 5321 section 4.1): verb, argument, MAIL/RCPT paths
/// and ESMTP parameters. Pure; the session decides what the parts mean.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace diskret::smtp {

struct CommandLine {
  std::string verb;      ///< upper-cased ("MAIL")
  std::string_view arg;  ///< the rest, without surrounding spaces (views the input line)
};

CommandLine split_command(std::string_view line);

/// "FROM:<a@b> SIZE=100 BODY=8BITMIME" with keyword "FROM".
struct PathArgument {
  std::string address;  ///< inside the brackets, source route dropped; "" for <>
  std::vector<std::pair<std::string, std::string>> params;  ///< keys upper-cased
};

/// nullopt when the keyword or the path is malformed (unbalanced brackets, junk).
std::optional<PathArgument> parse_path_argument(std::string_view arg, std::string_view keyword);

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

}  // namespace diskret::smtp

#include "smtp/command.hpp"

#include <algorithm>

namespace diskret::smtp {
namespace {

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// The end of a "<...>" path starting at `at` (the '<'), honouring quoted strings.
std::size_t closing_bracket(std::string_view s, std::size_t at) {
  bool quoted = false;
  for (std::size_t i = at + 1; i < s.size(); ++i) {
    char c = s[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '>') {
      return i;
    } else if (!quoted && c == '<') {
      return std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return upper(x) == upper(y); });
}

CommandLine split_command(std::string_view line) {
  line = trim(line);
  auto space = line.find_first_of(" \t");
  CommandLine out;
  out.verb = std::string(line.substr(0, space));
  std::transform(out.verb.begin(), out.verb.end(), out.verb.begin(), upper);
  if (space != std::string_view::npos) out.arg = trim(line.substr(space + 1));
  return out;
}

std::optional<PathArgument> parse_path_argument(std::string_view arg, std::string_view keyword) {
  if (arg.size() <= keyword.size() || !iequals(arg.substr(0, keyword.size()), keyword) ||
      arg[keyword.size()] != ':') {
    return std::nullopt;
  }
  // Some clients write "FROM: <a@b>"; RFC 5321 has no space, but refusing it helps nobody.
  std::string_view rest = trim(arg.substr(keyword.size() + 1));
  if (rest.empty()) return std::nullopt;
  PathArgument out;
  std::string_view path;
  if (rest.front() == '<') {
    auto end = closing_bracket(rest, 0);
    if (end == std::string_view::npos) return std::nullopt;
    path = rest.substr(1, end - 1);
    rest = rest.substr(end + 1);
    if (!rest.empty() && rest.front() != ' ') return std::nullopt;
  } else {
    auto space = rest.find(' ');
    path = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space);
    if (path.find_first_of("<>") != std::string_view::npos) return std::nullopt;
  }
  // A source route "@a,@b:user@host" is obsolete; RFC 5321 says to ignore it.
  if (!path.empty() && path.front() == '@') {
    auto colon = path.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    path = path.substr(colon + 1);
  }
  out.address = std::string(path);
  rest = trim(rest);
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view param = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space));
    auto eq = param.find('=');
    std::string key(param.substr(0, eq));
    if (key.empty()) return std::nullopt;
    std::transform(key.begin(), key.end(), key.begin(), upper);
    std::string value = eq == std::string_view::npos ? "" : std::string(param.substr(eq + 1));
    out.params.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace diskret::smtp

#pragma once
/// The JSON-lines form of a log record (`--log-format json`): one object per line with
/// `ts` (UTC, milliseconds), `level`, `msg`, and every trailing `key=value` word of the
/// message as a field of its own, so that `jq 'select(.msg_id == "...")'` finds a
/// message's whole life. Pure: the logger setup in the CLI wraps it into spdlog.
#include <chrono>
#include <string>
#include <string_view>

namespace diskret::core {

/// 1..64 characters of [A-Za-z0-9._:-]: safe to put into a log line as one word (no spaces,
/// no line breaks, nothing to forge a field with). Request ids and carrier ids are checked
/// with it before they are echoed or logged.
bool plain_token(std::string_view s) noexcept;

/// `{"ts":"2026-11-30T07:01:02.345Z","level":"info","msg":"...","key":"value",...}`.
/// Fields are taken from the end of `message` while its words have the form key=value
/// (key: [a-z_]{1,32}, value without spaces); a field named like a fixed one is left in
/// `msg`. Control characters and invalid UTF-8 are escaped, so a line is always one line
/// of valid JSON.
std::string json_log_line(std::chrono::system_clock::time_point at, std::string_view level,
                          std::string_view message);

}  // namespace diskret::core

#pragma once
/// The campaign lifecycle as a pure state machine: draft -> scheduled (start before
/// send_at) or running -> paused -> running -> completed | cancelled.
#include <cstdint>
#include <optional>
#include <string_view>

namespace diskret::campaigns {

enum class Status : std::uint8_t { draft, scheduled, running, paused, completed, cancelled };
enum class Action : std::uint8_t { start, pause, resume, cancel };

const char* status_name(Status s) noexcept;  ///< "draft" ...
std::optional<Status> parse_status(std::string_view text);
const char* action_name(Action a) noexcept;  ///< "start" ...
std::optional<Action> parse_action(std::string_view text);

/// The status after `action`, or nullopt when the action is not allowed in `from` (the API
/// answers 409). `due`: send_at is unset or not in the future.
std::optional<Status> next_status(Status from, Action action, bool due) noexcept;

/// Whether the runner looks at a campaign in this status.
inline bool is_active(Status s) noexcept { return s == Status::scheduled || s == Status::running; }
inline bool is_final(Status s) noexcept { return s == Status::completed || s == Status::cancelled; }

}  // namespace diskret::campaigns

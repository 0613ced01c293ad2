#include "campaigns/lifecycle.hpp"

#include <array>

namespace diskret::campaigns {
namespace {

constexpr std::array<const char*, 6> kStatusNames = {"draft",  "scheduled", "running",
                                                     "paused", "completed", "cancelled"};
constexpr std::array<const char*, 4> kActionNames = {"start", "pause", "resume", "cancel"};

}  // namespace

const char* status_name(Status s) noexcept { return kStatusNames[static_cast<std::size_t>(s)]; }

std::optional<Status> parse_status(std::string_view text) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (text == kStatusNames[i]) return static_cast<Status>(i);
  }
  return std::nullopt;
}

const char* action_name(Action a) noexcept { return kActionNames[static_cast<std::size_t>(a)]; }

std::optional<Action> parse_action(std::string_view text) {
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (text == kActionNames[i]) return static_cast<Action>(i);
  }
  return std::nullopt;
}

std::optional<Status> next_status(Status from, Action action, bool due) noexcept {
  const Status go = due ? Status::running : Status::scheduled;
  switch (action) {
    case Action::start:
      if (from == Status::draft) return go;
      return std::nullopt;
    case Action::pause:
      if (from == Status::scheduled || from == Status::running) return Status::paused;
      return std::nullopt;
    case Action::resume:
      if (from == Status::paused) return go;
      return std::nullopt;
    case Action::cancel:
      if (is_final(from)) return std::nullopt;
      return Status::cancelled;
  }
  return std::nullopt;
}

}  // namespace diskret::campaigns

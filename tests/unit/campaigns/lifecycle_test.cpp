#include "campaigns/lifecycle.hpp"

#include <gtest/gtest.h>

namespace diskret::campaigns {
namespace {

TEST(Lifecycle, StartRunsWhenDueElseSchedules) {
  EXPECT_EQ(next_status(Status::draft, Action::start, true), Status::running);
  EXPECT_EQ(next_status(Status::draft, Action::start, false), Status::scheduled);
}

TEST(Lifecycle, PauseAndResume) {
  EXPECT_EQ(next_status(Status::running, Action::pause, true), Status::paused);
  EXPECT_EQ(next_status(Status::scheduled, Action::pause, false), Status::paused);
  EXPECT_EQ(next_status(Status::paused, Action::resume, true), Status::running);
  EXPECT_EQ(next_status(Status::paused, Action::resume, false), Status::scheduled);
}

TEST(Lifecycle, CancelFromEveryLiveStatus) {
  for (auto s : {Status::draft, Status::scheduled, Status::running, Status::paused}) {
    EXPECT_EQ(next_status(s, Action::cancel, true), Status::cancelled) << status_name(s);
  }
}

TEST(Lifecycle, RefusesInvalidTransitions) {
  for (auto a : {Action::start, Action::pause, Action::resume, Action::cancel}) {
    EXPECT_FALSE(next_status(Status::completed, a, true)) << action_name(a);
    EXPECT_FALSE(next_status(Status::cancelled, a, true)) << action_name(a);
  }
  EXPECT_FALSE(next_status(Status::running, Action::start, true));
  EXPECT_FALSE(next_status(Status::paused, Action::start, true));
  EXPECT_FALSE(next_status(Status::draft, Action::pause, true));
  EXPECT_FALSE(next_status(Status::draft, Action::resume, true));
  EXPECT_FALSE(next_status(Status::running, Action::resume, true));
  EXPECT_FALSE(next_status(Status::paused, Action::pause, true));
}

TEST(Lifecycle, NamesRoundTrip) {
  for (auto s : {Status::draft, Status::scheduled, Status::running, Status::paused,
                 Status::completed, Status::cancelled}) {
    EXPECT_EQ(parse_status(status_name(s)), s);
  }
  for (auto a : {Action::start, Action::pause, Action::resume, Action::cancel}) {
    EXPECT_EQ(parse_action(action_name(a)), a);
  }
  EXPECT_FALSE(parse_status("done"));
  EXPECT_FALSE(parse_action("stop"));
  EXPECT_TRUE(is_active(Status::running));
  EXPECT_FALSE(is_active(Status::paused));
}

}  // namespace
}  // namespace diskret::campaigns

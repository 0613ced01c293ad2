#include "smpp/command_status.hpp"

#include <gtest/gtest.h>

namespace diskret::smpp {
namespace {

TEST(CommandStatus, IsAnErrorCodeInTheSmppCategory) {
  std::error_code ec = Status::throttled;
  EXPECT_STREQ(ec.category().name(), "smpp");
  EXPECT_EQ(ec.value(), 0x58);
  EXPECT_NE(ec.message().find("throttling"), std::string::npos);
  EXPECT_EQ(ec, make_error_code(Status::throttled));
  EXPECT_NE(ec, make_error_code(Status::system_error));
}

TEST(CommandStatus, NamesFollowTheSpecification) {
  EXPECT_STREQ(status_name(Status::ok), "ESME_ROK");
  EXPECT_STREQ(status_name(Status::throttled), "ESME_RTHROTTLED");
  EXPECT_STREQ(status_name(Status::invalid_dest_addr), "ESME_RINVDSTADR");
  EXPECT_STREQ(status_name(Status::invalid_optional_param_length), "ESME_RINVPARLEN");
  EXPECT_STREQ(status_name(static_cast<Status>(0x401)), "0x00000401");
}

TEST(CommandStatus, EveryNamedStatusHasItsOwnMessage) {
  const std::error_code unknown = static_cast<Status>(0x401);
  EXPECT_NE(unknown.message().find("0x00000401"), std::string::npos);
  for (std::uint32_t v = 0; v <= 0xFF; ++v) {
    const auto s = static_cast<Status>(v);
    if (std::string(status_name(s)).starts_with("0x")) continue;
    EXPECT_NE(make_error_code(s).message(), unknown.message()) << status_name(s);
  }
}

TEST(CommandStatus, TransientOnlyForRetryableFailures) {
  EXPECT_TRUE(is_transient(Status::throttled));
  EXPECT_TRUE(is_transient(Status::message_queue_full));
  EXPECT_TRUE(is_transient(Status::system_error));
  EXPECT_TRUE(is_transient(Status::receiver_no_response));
  EXPECT_FALSE(is_transient(Status::ok));
  EXPECT_FALSE(is_transient(Status::invalid_dest_addr));
  EXPECT_FALSE(is_transient(Status::invalid_msg_length));
  EXPECT_FALSE(is_transient(Status::receiver_reject));
  EXPECT_FALSE(is_transient(Status::submit_failed));
}

}  // namespace
}  // namespace diskret::smpp

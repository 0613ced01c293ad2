#include "core/thread_name.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>
#include <thread>

namespace diskret::core {
namespace {

std::string this_thread_name() {
  char buf[32] = {};
  pthread_getname_np(pthread_self(), buf, sizeof buf);
  return buf;
}

// The name a new thread reads back after naming itself `name`.
std::string named(std::string_view name) {
  std::string seen;
  std::thread([&] {
    name_this_thread(name);
    seen = this_thread_name();
  }).join();
  return seen;
}

TEST(ThreadName, NamesTheCallingThread) { EXPECT_EQ(named("writer"), "writer"); }

TEST(ThreadName, NamedThreadRunsItsBodyUnderItsName) {
  std::string seen;
  core::named_thread("carrier", [&] { seen = this_thread_name(); }).join();
  EXPECT_EQ(seen, "carrier");
}

TEST(ThreadName, LongNamesAreCutToFifteenBytes) {
  EXPECT_EQ(named("webhook-http-client-pool"), "webhook-http-cl");
}

}  // namespace
}  // namespace diskret::core

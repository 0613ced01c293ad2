#include "core/thread_name.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>
#include <thread>

namespace diskret::core {
namespace {

std::string name_of_this_thread() {
  char buf[32] = {};
  pthread_getname_np(pthread_self(), buf, sizeof buf);
  return buf;
}

TEST(ThreadName, NamesTheCallingThread) {
  std::string seen;
  std::thread([&] {
    name_this_thread("writer");
    seen = name_of_this_thread();
  }).join();
  EXPECT_EQ(seen, "writer");
}

TEST(ThreadName, LongNamesAreCutToFifteenBytes) {
  std::string seen;
  std::thread([&] {
    name_this_thread("webhook-http-client-pool");
    seen = name_of_this_thread();
  }).join();
  EXPECT_EQ(seen, "webhook-http-cl");
}

}  // namespace
}  // namespace diskret::core

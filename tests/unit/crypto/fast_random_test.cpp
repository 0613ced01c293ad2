#include "crypto/fast_random.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crypto/secret.hpp"

namespace diskret::crypto::detail {
namespace {

std::string draw(std::size_t size) {
  std::string out(size, '\0');
  fast_random_fill(out.data(), out.size());
  return out;
}

// Runs `body` on a new thread, whose generator starts unseeded.
template <typename F>
void on_new_thread(F body) {
  std::thread t(body);
  t.join();
}

TEST(FastRandom, LibsodiumDrawsFromIt) {
  on_new_thread([] {
    EXPECT_EQ(fast_random_seedings(), 0u);
    std::array<std::uint8_t, 24> nonce{};
    random_bytes(nonce);  // randombytes_buf() inside the crypto module
    EXPECT_EQ(fast_random_seedings(), 1u);
    (void)SecretKey::generate();
    EXPECT_EQ(fast_random_seedings(), 1u) << "served from the same seed, no system call";
  });
}

TEST(FastRandom, NoValueRepeatsAcrossBufferBoundaries) {
  // 1 MiB drawn in pieces that straddle the 512-byte buffers: had a key not changed
  // between buffers, 16-byte blocks would repeat.
  std::string all;
  while (all.size() < 1024 * 1024) all += draw(1000);
  std::set<std::string> blocks;
  for (std::size_t i = 0; i + 16 <= all.size(); i += 16) blocks.insert(all.substr(i, 16));
  EXPECT_EQ(blocks.size(), all.size() / 16);

  std::uint64_t ones = 0;
  for (unsigned char c : all) ones += static_cast<std::uint64_t>(std::popcount(c));
  const double share = static_cast<double>(ones) / (8.0 * static_cast<double>(all.size()));
  EXPECT_NEAR(share, 0.5, 0.002);  // about 14 standard deviations of a fair source
}

TEST(FastRandom, ReseedsFromTheKernelEveryMebibyte) {
  on_new_thread([] {
    for (int i = 0; i < 3 * 1024; ++i) draw(1024);
    EXPECT_EQ(fast_random_seedings(), 3u);
  });
}

TEST(FastRandom, ThreadsDrawDifferentStreams) {
  std::string a, b;
  on_new_thread([&] { a = draw(64); });
  on_new_thread([&] { b = draw(64); });
  EXPECT_NE(a, b);
}

TEST(FastRandom, AForkedChildDoesNotRepeatItsParent) {
  draw(8);  // this thread's generator is seeded and holds unread bytes
  const std::uint64_t seeded = fast_random_seedings();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string bytes = draw(32);
    const bool reseeded = fast_random_seedings() == seeded + 1;
    bytes.push_back(reseeded ? 'y' : 'n');
    const bool written = write(fds[1], bytes.data(), bytes.size()) == ssize_t(bytes.size());
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  const std::string mine = draw(32);
  std::string theirs(33, '\0');
  EXPECT_EQ(read(fds[0], theirs.data(), theirs.size()), 33);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(theirs.back(), 'y') << "the child seeds a key of its own";
  theirs.pop_back();
  EXPECT_NE(mine, theirs);
  EXPECT_EQ(fast_random_seedings(), seeded);
}

}  // namespace
}  // namespace diskret::crypto::detail

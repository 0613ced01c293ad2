// analyse() runs for every recipient of every request: it must not touch the heap.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "sms/text.hpp"
#include "sms_test_util.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace diskret::sms {
namespace {

TEST(Analyse, DoesNotAllocate) {
  const TextOptions options{{NationalLanguage::turkish, NationalLanguage::portuguese}};
  const std::string texts[] = {
      "short", test::repeat("a", 400), test::repeat("a{", 200), test::repeat("жx😀", 100),
      "Não há ação " + test::repeat("e", 300), "şimdi"};
  for (const auto& text : texts) {
    const std::size_t before = g_allocations.load();
    auto r = analyse(text, options);
    EXPECT_EQ(g_allocations.load(), before);
    EXPECT_TRUE(r.has_value());
  }
  // the counter works: encode does allocate
  const std::size_t before = g_allocations.load();
  auto m = encode("short", {});
  EXPECT_GT(g_allocations.load(), before);
}

}  // namespace
}  // namespace diskret::sms

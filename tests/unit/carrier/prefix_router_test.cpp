#include "carrier/prefix_router.hpp"

#include <gtest/gtest.h>

namespace diskret::carrier {
namespace {

using Route = std::vector<std::size_t>;

TEST(PrefixRouter, LongestPrefixWins) {
  PrefixRouter r({{"+49"}, {"+4915"}, {"+491"}});
  EXPECT_EQ(r.route("+4915112345678"), (Route{1, 2, 0}));
  EXPECT_EQ(r.route("+4917012345678"), (Route{2, 0}));
  EXPECT_EQ(r.route("+4930123456"), (Route{0}));
}

TEST(PrefixRouter, CatchAllComesLastInConfigOrder) {
  PrefixRouter r({{}, {"+43"}, {}});
  EXPECT_EQ(r.route("+4366412345678"), (Route{1, 0, 2}));
  EXPECT_EQ(r.route("+4915112345678"), (Route{0, 2}));
}

TEST(PrefixRouter, NoMatchWithoutCatchAll) {
  PrefixRouter r({{"+49"}, {"+43"}});
  EXPECT_TRUE(r.route("+33612345678").empty());
  EXPECT_FALSE(r.serves("+33612345678"));
  EXPECT_TRUE(r.serves("+4915112345678"));
}

TEST(PrefixRouter, PrefixesWithOrWithoutPlusAndSpaces) {
  PrefixRouter r({{"49 151"}, {"+49"}});
  EXPECT_EQ(r.route("4915112345678"), (Route{0, 1}));
  EXPECT_EQ(r.route("+4915112345678"), (Route{0, 1}));
}

TEST(PrefixRouter, EqualLengthTiesKeepConfigOrder) {
  PrefixRouter r({{"+4916"}, {"+4915"}, {"+4915"}});
  EXPECT_EQ(r.route("+4915112345678"), (Route{1, 2}));
}

TEST(PrefixRouter, CarrierListedOnceEvenWithSeveralMatchingPrefixes) {
  PrefixRouter r({{"+49", "+4915"}, {"+491"}});
  EXPECT_EQ(r.route("+4915112345678"), (Route{0, 1}));
}

TEST(PrefixRouter, FailoverChoosesFirstUsableCarrier) {
  PrefixRouter r({{"+4915"}, {"+49"}, {}});
  std::vector<bool> bound{false, true, true};
  auto usable = [&](std::size_t c) { return bound[c]; };
  EXPECT_EQ(r.choose("+4915112345678", usable), 1u);
  bound[1] = false;
  EXPECT_EQ(r.choose("+4915112345678", usable), 2u);
  bound[0] = true;
  EXPECT_EQ(r.choose("+4915112345678", usable), 0u);
  bound = {false, false, false};
  EXPECT_FALSE(r.choose("+4915112345678", usable).has_value());
}

}  // namespace
}  // namespace diskret::carrier

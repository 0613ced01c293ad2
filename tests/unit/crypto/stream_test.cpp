#include "crypto/stream.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "crypto/errc.hpp"

namespace diskret::crypto {
namespace {

struct Sealed {
  StreamHeader header;
  std::vector<std::string> chunks;
};

Sealed seal_all(const SecretKey& key, const std::vector<std::string>& parts) {
  StreamSealer sealer(key);
  Sealed out{sealer.header(), {}};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    out.chunks.push_back(sealer.push(parts[i], i == 0 ? "hdr" : "", last ? StreamEnd::yes : StreamEnd::no));
  }
  return out;
}

TEST(Stream, RoundTripsChunksAndMarksTheEnd) {
  auto key = SecretKey::generate();
  std::vector<std::string> parts{"first", std::string(70'000, 'x'), "", "last"};
  auto sealed = seal_all(key, parts);
  EXPECT_EQ(sealed.chunks[0].size(), 5 + kStreamChunkOverhead);
  auto opener = StreamOpener::start(key, sealed.header);
  ASSERT_TRUE(opener.has_value());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto chunk = opener->pull(sealed.chunks[i], i == 0 ? "hdr" : "");
    ASSERT_TRUE(chunk.has_value()) << i;
    EXPECT_EQ(chunk->plaintext, parts[i]);
    EXPECT_EQ(chunk->end == StreamEnd::yes, i + 1 == parts.size());
  }
  EXPECT_TRUE(opener->ended());
}

TEST(Stream, RefusesModifiedChunk) {
  auto key = SecretKey::generate();
  auto sealed = seal_all(key, {"a", "b", "c"});
  sealed.chunks[1][3] ^= 0x40;
  auto opener = StreamOpener::start(key, sealed.header);
  ASSERT_TRUE(opener->pull(sealed.chunks[0], "hdr").has_value());
  auto bad = opener->pull(sealed.chunks[1], "");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, Errc::authentication_failed);
  // Unusable afterwards, even for the genuine next chunk.
  EXPECT_FALSE(opener->pull(sealed.chunks[2], "").has_value());
}

TEST(Stream, RefusesReorderedOrDroppedChunks) {
  auto key = SecretKey::generate();
  auto sealed = seal_all(key, {"a", "b", "c"});
  auto opener = StreamOpener::start(key, sealed.header);
  ASSERT_TRUE(opener->pull(sealed.chunks[0], "hdr").has_value());
  EXPECT_FALSE(opener->pull(sealed.chunks[2], "").has_value());
}

TEST(Stream, RefusesWrongAdOrKeyOrHeader) {
  auto key = SecretKey::generate();
  auto sealed = seal_all(key, {"a", "b"});
  EXPECT_FALSE(StreamOpener::start(key, sealed.header)->pull(sealed.chunks[0], "other").has_value());
  EXPECT_FALSE(StreamOpener::start(SecretKey::generate(), sealed.header)
                   ->pull(sealed.chunks[0], "hdr")
                   .has_value());
  auto header = sealed.header;
  header[0] ^= 1;
  EXPECT_FALSE(StreamOpener::start(key, header)->pull(sealed.chunks[0], "hdr").has_value());
  EXPECT_FALSE(StreamOpener::start(key, std::span<const std::uint8_t>(header.data(), 10)).has_value());
}

TEST(Stream, TruncatedStreamHasNoEnd) {
  auto key = SecretKey::generate();
  auto sealed = seal_all(key, {"a", "b", "c"});
  auto opener = StreamOpener::start(key, sealed.header);
  ASSERT_TRUE(opener->pull(sealed.chunks[0], "hdr").has_value());
  ASSERT_TRUE(opener->pull(sealed.chunks[1], "").has_value());
  EXPECT_FALSE(opener->ended());
}

TEST(Stream, RefusesChunksAfterTheEnd) {
  auto key = SecretKey::generate();
  StreamSealer sealer(key);
  auto a = sealer.push("a", "", StreamEnd::yes);
  auto b = sealer.push("b", "", StreamEnd::no);
  auto opener = StreamOpener::start(key, sealer.header());
  ASSERT_TRUE(opener->pull(a, "").has_value());
  EXPECT_FALSE(opener->pull(b, "").has_value());
}

}  // namespace
}  // namespace diskret::crypto

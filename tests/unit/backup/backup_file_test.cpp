#include "backup/backup_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "backup/errc.hpp"
#include "crypto/stream.hpp"
#include "unit/backup/temp_dir.hpp"

namespace diskret::backup {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

// Offsets of the length prefixes of the chunks of a backup file.
std::vector<std::size_t> chunk_offsets(const std::string& bytes) {
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  std::vector<std::size_t> out;
  for (std::size_t at = kPreambleSize + be32(10) + crypto::kStreamHeaderSize; at < bytes.size();
       at += 4 + be32(at)) {
    out.push_back(at);
  }
  return out;
}

class BackupFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A size that is not a multiple of the chunk size, and one that is.
    big_ = std::string(3 * kChunkSize + 1234, '\0');
    for (std::size_t i = 0; i < big_.size(); ++i) big_[i] = static_cast<char>((i * 7919) >> 3);
    big_.replace(1000, 13, "SECRET-MARKER");
    write_file(dir_ / "a.db", big_);
    write_file(dir_ / "b.bin", std::string(kChunkSize, 'b'));
    write_file(dir_ / "empty", "");
    std::filesystem::create_directory(dir_ / "out");
  }
  std::vector<SourceFile> sources() const {
    return {{dir_ / "a.db", {"diskret.db", "sqlite-main", 0, 40}},
            {dir_ / "empty", {"empty", "other", 0, 0}},
            {dir_ / "b.bin", {"b.bin", "other", 0, 0}}};
  }
  Expected<BackupHeader> write() {
    return write_backup(file_, sources(), key_, {1'700'000'000'000, "mk1", "diskret test"});
  }
  Expected<ExtractedBackup> extract() {
    return extract_backup(file_, dir_ / "out", [&](std::string_view id) -> Expected<crypto::SecretKey> {
      if (id != key_.id) return fail(Errc::unknown_key, "no such backup key");
      return key_.key;
    });
  }
  bool out_empty() const { return std::filesystem::is_empty(dir_ / "out"); }
  void expect_refused(Errc code) {
    auto r = extract();
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, code) << r.error().message();
    EXPECT_TRUE(out_empty());
  }

  TempDir dir_;
  std::filesystem::path file_ = dir_ / "backup.dbk";
  BackupKey key_{"bk1", crypto::SecretKey::generate()};
  std::string big_;
};

TEST_F(BackupFileTest, RoundTripsEveryItem) {
  auto h = write();
  ASSERT_TRUE(h.has_value()) << h.error().message();
  EXPECT_EQ(h->items[0].size, big_.size());
  auto r = extract();
  ASSERT_TRUE(r.has_value()) << r.error().message();
  ASSERT_EQ(r->files.size(), 3u);
  EXPECT_EQ(read_file(dir_ / "out" / "diskret.db"), big_);
  EXPECT_EQ(read_file(dir_ / "out" / "empty"), "");
  EXPECT_EQ(read_file(dir_ / "out" / "b.bin"), std::string(kChunkSize, 'b'));
  EXPECT_EQ(r->header.master_key_id, "mk1");
  EXPECT_EQ(r->header.items[0].schema_version, 40);
  EXPECT_EQ(read_backup_header(file_).value().items.size(), 3u);
}

TEST_F(BackupFileTest, FileIsPrivateAndHoldsNoPlaintext) {
  ASSERT_TRUE(write().has_value());
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto bytes = read_file(file_);
  EXPECT_EQ(bytes.find("SECRET-MARKER"), std::string::npos);
  EXPECT_EQ(bytes.find(std::string(64, 'b')), std::string::npos);
  // Nothing but the backup in the directory: no partial files left behind.
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 4u);
}

TEST_F(BackupFileTest, RefusesAnyModifiedByte) {
  ASSERT_TRUE(write().has_value());
  const auto original = read_file(file_);
  const auto producer = original.find("diskret test");  // a value in the header JSON
  const auto first_chunk = chunk_offsets(original)[0];
  // header value, stream header, first chunk's length and body, a middle chunk, the last byte
  for (std::size_t at : {producer + 3, first_chunk - 10, first_chunk + 3, first_chunk + 100,
                         original.size() / 2, original.size() - 1}) {
    auto bytes = original;
    bytes[at] ^= 0x01;
    write_file(file_, bytes);
    auto r = extract();
    ASSERT_FALSE(r.has_value()) << "byte " << at;
    EXPECT_EQ(r.error().code, Errc::damaged) << "byte " << at << ": " << r.error().message();
    EXPECT_TRUE(out_empty());
  }
}

TEST_F(BackupFileTest, RefusesATruncatedFile) {
  ASSERT_TRUE(write().has_value());
  const auto original = read_file(file_);
  for (std::size_t keep : {original.size() - 1, original.size() - 30, original.size() / 2}) {
    write_file(file_, original.substr(0, keep));
    expect_refused(Errc::truncated);
  }
  // Cut exactly at a chunk boundary: every chunk authenticates, the end marker is missing.
  const auto chunks = chunk_offsets(original);
  ASSERT_EQ(chunks.size(), 5u);  // 4 full chunks and 1234 bytes
  write_file(file_, original.substr(0, chunks.back()));
  expect_refused(Errc::truncated);
  auto r = extract();
  EXPECT_NE(r.error().message().find("truncated"), std::string::npos);
}

TEST_F(BackupFileTest, RefusesDataAfterTheEnd) {
  ASSERT_TRUE(write().has_value());
  write_file(file_, read_file(file_) + "x");
  expect_refused(Errc::damaged);
}

TEST_F(BackupFileTest, RefusesSwappedChunks) {
  ASSERT_TRUE(write().has_value());
  auto bytes = read_file(file_);
  // Chunks 2 and 3 are both full: swap them in place.
  const std::size_t chunk = kChunkSize + crypto::kStreamChunkOverhead + 4;
  const auto first = chunk_offsets(bytes)[1];
  std::string a = bytes.substr(first, chunk);
  std::string b = bytes.substr(first + chunk, chunk);
  bytes.replace(first, chunk, b);
  bytes.replace(first + chunk, chunk, a);
  write_file(file_, bytes);
  expect_refused(Errc::damaged);
}

TEST_F(BackupFileTest, NeedsItsOwnKey) {
  ASSERT_TRUE(write().has_value());
  key_.id = "another";
  expect_refused(Errc::unknown_key);
  key_ = BackupKey{"bk1", crypto::SecretKey::generate()};  // same id, other key material
  expect_refused(Errc::damaged);
}

TEST_F(BackupFileTest, RefusesOtherFiles) {
  write_file(file_, "SQLite format 3");
  expect_refused(Errc::not_a_backup);
  auto missing = extract_backup(dir_ / "nope", dir_ / "out", nullptr);
  EXPECT_EQ(missing.error().code, Errc::io_error);
}

}  // namespace
}  // namespace diskret::backup

#include "crypto/master_key.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "crypto/errc.hpp"

namespace diskret::crypto {
namespace {

namespace fs = std::filesystem;

class MasterKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "diskret-crypto-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static unsigned mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return st.st_mode & 07777;
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void write(const fs::path& p, const std::string& text, fs::perms perms) {
    std::ofstream(p) << text;
    fs::permissions(p, perms);
  }
  static bool same_key(const SecretKey& a, const SecretKey& b) {
    return std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin());
  }

  fs::path dir_;
};

TEST_F(MasterKeyFileTest, CreatesMissingFileWithMode0600AndDirs0700) {
  auto path = dir_ / "etc" / "diskret" / "master.key";
  MasterKeyFile file(path);
  auto key = file.load();
  ASSERT_TRUE(key.has_value()) << key.error().message();
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(dir_ / "etc"), 0700u);
  EXPECT_EQ(mode_of(dir_ / "etc" / "diskret"), 0700u);
  auto text = read(path);
  ASSERT_EQ(text.size(), 65u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), 64u);
  // No temporary files stay behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()), 1);
}

TEST_F(MasterKeyFileTest, LoadsTheSameKeyAgain) {
  auto path = dir_ / "master.key";
  auto first = MasterKeyFile(path).load();
  ASSERT_TRUE(first.has_value());
  MasterKeyFile again(path);
  auto second = again.load();
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(same_key(*first, *second));
}

TEST_F(MasterKeyFileTest, ReadsAnExistingFileAndComputesItsId) {
  auto path = dir_ / "master.key";
  write(path, std::string(64, '5') + "\n",
        fs::perms::owner_read | fs::perms::owner_write);
  MasterKeyFile file(path);
  EXPECT_EQ(file.key_id(), "bd6732ce1fd898fd");  // before load(): read from the file
  auto key = file.load();
  ASSERT_TRUE(key.has_value());
  EXPECT_TRUE(std::all_of(key->bytes().begin(), key->bytes().end(),
                          [](auto b) { return b == 0x55; }));
  EXPECT_EQ(file.key_id(), "bd6732ce1fd898fd");  // BLAKE2b-256 of 32 x 0x55, first 16 hex
}

TEST_F(MasterKeyFileTest, RefusesFileReadableByOthers) {
  auto path = dir_ / "master.key";
  ASSERT_TRUE(MasterKeyFile(path).load().has_value());
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read);  // 0644
  auto key = MasterKeyFile(path).load();
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, Errc::key_file_permissions);
  EXPECT_NE(key.error().detail.find(path.string()), std::string::npos);
  EXPECT_NE(key.error().detail.find("0644"), std::string::npos);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_write);
  EXPECT_EQ(MasterKeyFile(path).load().error().code, Errc::key_file_permissions);
}

TEST_F(MasterKeyFileTest, RefusesInvalidContents) {
  auto path = dir_ / "master.key";
  const auto owner = fs::perms::owner_read | fs::perms::owner_write;
  for (const std::string& text : {std::string(), std::string(63, 'a') + "\n",
                                 std::string(66, 'a') + "\n", std::string(63, 'a') + "g\n",
                                 std::string(32, 'a') + " " + std::string(32, 'a') + "\n"}) {
    write(path, text, owner);
    auto key = MasterKeyFile(path).load();
    ASSERT_FALSE(key.has_value()) << text;
    EXPECT_EQ(key.error().code, Errc::key_file_invalid) << text;
  }
  write(path, std::string(64, 'A'), owner);  // upper case and no newline are fine
  EXPECT_TRUE(MasterKeyFile(path).load().has_value());
}

TEST_F(MasterKeyFileTest, ReplacesAtomicallyKeepingMode0600) {
  auto path = dir_ / "master.key";
  MasterKeyFile file(path);
  auto old_key = file.load();
  ASSERT_TRUE(old_key.has_value());
  auto old_id = file.key_id();
  auto new_key = SecretKey::generate();
  ASSERT_TRUE(file.replace(new_key).has_value());
  EXPECT_NE(file.key_id(), old_id);
  EXPECT_EQ(file.key_id().size(), 16u);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  MasterKeyFile reread(path);
  auto loaded = reread.load();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_TRUE(same_key(*loaded, new_key));
  EXPECT_EQ(reread.key_id(), file.key_id());
}

TEST_F(MasterKeyFileTest, ReportsUnwritableDirectory) {
  auto blocker = dir_ / "file";
  write(blocker, "x", fs::perms::owner_read | fs::perms::owner_write);
  auto key = MasterKeyFile(blocker / "master.key").load();  // parent is a regular file
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, diskret::Errc::io_error);
}

}  // namespace
}  // namespace diskret::crypto

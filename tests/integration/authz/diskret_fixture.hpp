#pragma once
// `diskret serve` in a temporary directory with tenants and keys made by the CLI, for
// tests that talk HTTP to the real binary (authorization matrix, contact import).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "integration/http/raw_client.hpp"
#include "integration/serve/process.hpp"

namespace diskret::test {

class DiskretFixture : public ::testing::Test {
 protected:
  static inline const std::string kBin = DISKRET_BIN_DIR;

  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kBin + "/diskret")) << "build the diskret target";
    char pattern[] = "/tmp/diskret-authz-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    config_ = dir_ + "/diskret.toml";
    // No carrier is reachable (port 9 is closed): messages are accepted and stay queued.
    std::ofstream(config_) << "[server]\ndata_dir = \"" << dir_ << "/var\"\n"
                           << "http_listen = \"127.0.0.1:0\"\nsmtp_listen = \"127.0.0.1:0\"\n"
                           << "smpp_listen = \"127.0.0.1:0\"\n[billing]\nenabled = false\n"
                           << "[api]\n"
                           << "[[smsc]]\nname = \"nowhere\"\nhost = \"127.0.0.1\"\nport = 9\n";
  }
  void TearDown() override {
    server_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  RunResult diskret(std::vector<std::string> args) {
    args.insert(args.begin(), kBin + "/diskret");
    args.insert(args.end(), {"--config", config_});
    return run(args, dir_);
  }

  /// `diskret tenant create --json` -> (tenant id, owner API key).
  std::pair<std::string, std::string> create_tenant(const std::string& name) {
    auto r = diskret({"tenant", "create", "--name", name, "--region", "DE", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto o = boost::json::parse(r.out).as_object();
    return {std::string(o.at("tenant_id").as_string()), std::string(o.at("api_key").as_string())};
  }

  std::string create_key(const std::string& tenant, const std::string& role) {
    auto r = diskret({"apikey", "create", "--tenant", tenant, "--role", role, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::string(boost::json::parse(r.out).at("api_key").as_string());
  }

  /// Starts `diskret serve` (writing its routes to a file); returns the HTTP port.
  std::uint16_t start_server() {
    server_ = std::make_unique<Background>(
        std::vector<std::string>{kBin + "/diskret", "serve", "--config", config_, "--routes-file",
                                 dir_ + "/routes.txt"},
        dir_ + "/serve.out", dir_ + "/serve.err");
    auto line = server_->wait_for(true, "listening on http://127.0.0.1:", std::chrono::seconds(20));
    EXPECT_TRUE(line) << server_->err();
    return line ? static_cast<std::uint16_t>(std::stoi(*line)) : 0;
  }

  /// Every route the server registered, as "METHOD PATTERN".
  std::vector<std::pair<std::string, std::string>> routes() {
    std::vector<std::pair<std::string, std::string>> out;
    std::ifstream in(dir_ + "/routes.txt");
    std::string method, pattern;
    while (in >> method >> pattern) out.emplace_back(method, pattern);
    return out;
  }

  static std::string request(const std::string& method, const std::string& path,
                             const std::string& key, const std::string& body = {},
                             const std::string& content_type = "application/json") {
    std::string r = method + " " + path + " HTTP/1.1\r\nHost: test\r\n";
    if (!key.empty()) r += "Authorization: Bearer " + key + "\r\n";
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
      r += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
    }
    return r + "\r\n" + body;
  }

  std::string dir_;
  std::string config_;
  std::unique_ptr<Background> server_;
};

}  // namespace diskret::test

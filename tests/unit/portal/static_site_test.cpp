#include "portal/static_site.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace diskret::portal {
namespace {

namespace fs = std::filesystem;

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/diskret-site-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ + "/assets");
    std::ofstream(dir_ + "/index.html") << "<!doctype html><title>x</title>";
    std::ofstream(dir_ + "/assets/app-ABC.js") << "console.log(1)";
  }
  void TearDown() override { fs::remove_all(dir_); }

  http::Request get(std::string path) {
    http::Request r;
    r.method = "GET";
    r.path = r.target = std::move(path);
    return r;
  }
  std::string dir_;
};

TEST_F(StaticSiteTest, IndexIsRevalidatedAndHashedAssetsAreImmutable) {
  auto site = StaticSite::load({dir_, "http://127.0.0.1:8443", false});
  ASSERT_TRUE(site);
  EXPECT_EQ(site->files(), 2u);
  auto index = site->serve(get("/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>x</title>");
  auto page = site->serve(get("/compose"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(page, "Cache-Control"), "no-cache");
  const auto csp = header(page, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("frame-src http://127.0.0.1:8443;"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  auto js = site->serve(get("/assets/app-ABC.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(site->serve(get("/assets/missing.js")).status, 404);
  // Files are served from memory by exact path: nothing outside the site can be read.
  EXPECT_EQ(site->serve(get("/../etc/passwd")).status, 404);
  EXPECT_EQ(site->serve(get("/nosuchpage")).status, 404);
  auto post = get("/compose");
  post.method = "POST";
  EXPECT_EQ(site->serve(post).status, 405);
}

TEST_F(StaticSiteTest, FrontSendsApiPathsToTheApiAndAddsHstsWithTls) {
  auto site = StaticSite::load({dir_, "", true});
  ASSERT_TRUE(site);
  int api_calls = 0;
  auto front = site->front([&](http::Request&&, http::Respond respond) {
    ++api_calls;
    respond(http::Response{200, "application/json", {}, "{}"});
  });
  http::Response got;
  front(get("/v1/messages"), [&](http::Response&& r) { got = std::move(r); });
  EXPECT_EQ(api_calls, 1);
  EXPECT_EQ(header(got, "Strict-Transport-Security"), "max-age=63072000; includeSubDomains");
  front(get("/healthz"), [&](http::Response&& r) { got = std::move(r); });
  EXPECT_EQ(api_calls, 2);
  front(get("/l/AbCd1234"), [&](http::Response&& r) { got = std::move(r); });
  EXPECT_EQ(api_calls, 3) << "paths that are not the portal's belong to the API (short links)";
  auto post = get("/compose");
  post.method = "POST";
  front(std::move(post), [&](http::Response&& r) { got = std::move(r); });
  EXPECT_EQ(api_calls, 4);
  front(get("/contacts"), [&](http::Response&& r) { got = std::move(r); });
  EXPECT_EQ(api_calls, 4);
  EXPECT_EQ(got.content_type, "text/html; charset=utf-8");
  EXPECT_NE(header(got, "Content-Security-Policy").find("frame-src 'none'"), std::string::npos);
}

TEST(OriginOf, KeepsSchemeHostAndPort) {
  EXPECT_EQ(origin_of("http://127.0.0.1:8443/v1/x"), "http://127.0.0.1:8443");
  EXPECT_EQ(origin_of("https://vault.example"), "https://vault.example");
  EXPECT_EQ(origin_of("nonsense"), "");
}

}  // namespace
}  // namespace diskret::portal

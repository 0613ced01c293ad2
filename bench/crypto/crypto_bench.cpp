// Per-message crypto costs on the data path: sealing a message body with its record AD,
// opening it again, and the blind index of a recipient.
#include <benchmark/benchmark.h>

#include "crypto/blind_index.hpp"
#include "crypto/secret_box.hpp"

namespace {

using namespace diskret::crypto;

const std::string kBody(160, 'x');
const std::string kAd = "12345|messages|18446744073709551|body_ct";  // 40 bytes

void BM_Seal160(benchmark::State& state) {
  auto key = SecretKey::generate();
  for (auto _ : state) benchmark::DoNotOptimize(seal(key, kBody, kAd));
}
BENCHMARK(BM_Seal160);

void BM_Open160(benchmark::State& state) {
  auto key = SecretKey::generate();
  auto sealed = seal(key, kBody, kAd);
  for (auto _ : state) benchmark::DoNotOptimize(open(key, sealed, kAd));
}
BENCHMARK(BM_Open160);

void BM_BlindIndex(benchmark::State& state) {
  auto key = SecretKey::generate();
  for (auto _ : state) benchmark::DoNotOptimize(blind_index(key, "+4915112345678"));
}
BENCHMARK(BM_BlindIndex);

void BM_RecordAd(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(record_ad(12345, "messages", 987654321, "body"));
}
BENCHMARK(BM_RecordAd);

}  // namespace

// PhoneNumber::parse per message: strict E.164 (fast path), national notation (full
// libphonenumber path) and an invalid number. Inputs vary so nothing can be cached.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "phone/phone_number.hpp"

namespace {

using diskret::phone::PhoneNumber;
using diskret::phone::Region;

std::vector<std::string> numbers(const char* prefix, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(prefix + std::to_string(12345000 + i * 7));
  return out;
}

void run(benchmark::State& state, const std::vector<std::string>& inputs, bool want_valid) {
  const Region de{"DE"};
  std::size_t i = 0;
  for (auto _ : state) {
    auto n = PhoneNumber::parse(inputs[i++ % inputs.size()], de);
    if (n.has_value() != want_valid) state.SkipWithError("unexpected parse result");
    benchmark::DoNotOptimize(n);
  }
}

void BM_ParseE164FastPath(benchmark::State& state) { run(state, numbers("+49151", 1024), true); }
BENCHMARK(BM_ParseE164FastPath);

void BM_ParseNationalDE(benchmark::State& state) { run(state, numbers("0151 ", 1024), true); }
BENCHMARK(BM_ParseNationalDE);

void BM_ParseInvalid(benchmark::State& state) { run(state, numbers("+49 1", 1024), false); }
BENCHMARK(BM_ParseInvalid);

void BM_ParseE164ThenType(benchmark::State& state) {
  const auto inputs = numbers("+49151", 1024);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(PhoneNumber::parse(inputs[i++ % inputs.size()], Region{"DE"})->type());
  }
}
BENCHMARK(BM_ParseE164ThenType);

void BM_Mask(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(PhoneNumber::mask_e164("+4915112345678"));
}
BENCHMARK(BM_Mask);

}  // namespace

// analyse() runs for every recipient of every API request; encode() once per message sent.
#include <benchmark/benchmark.h>

#include <string>

#include "sms/text.hpp"

namespace {

using namespace diskret::sms;

std::string gsm40() { return "Ihr Code lautet 482913. Gueltig 10 Min."; }

std::string gsm300() {
  std::string s;
  while (s.size() < 300) s += "Termin am Montag um 10:30 bei Dr. Meyer, Raum 4. ";
  s.resize(300);
  return s;
}

std::string ucs2_100() {
  static const char* const kChars[] = {"П", "р", "и", "в", "е", "т", ",", " ", "м", "и", "р", " "};
  std::string s;
  for (int i = 0; i < 100; ++i) s += kChars[i % 12];
  return s;
}

void run_analyse(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto r = analyse(text);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void run_encode(benchmark::State& state, const std::string& text, GsmPacking packing) {
  EncodeOptions o;
  o.packing = packing;
  for (auto _ : state) {
    auto r = encode(text, o);
    benchmark::DoNotOptimize(r);
  }
}

void BM_AnalyseGsm40(benchmark::State& s) { run_analyse(s, gsm40()); }
void BM_AnalyseGsm300(benchmark::State& s) { run_analyse(s, gsm300()); }
void BM_AnalyseUcs2_100(benchmark::State& s) { run_analyse(s, ucs2_100()); }
void BM_EncodeGsm40(benchmark::State& s) { run_encode(s, gsm40(), GsmPacking::unpacked); }
void BM_EncodeGsm300(benchmark::State& s) { run_encode(s, gsm300(), GsmPacking::unpacked); }
void BM_EncodeGsm300Packed(benchmark::State& s) { run_encode(s, gsm300(), GsmPacking::packed); }
void BM_EncodeUcs2_100(benchmark::State& s) { run_encode(s, ucs2_100(), GsmPacking::unpacked); }

BENCHMARK(BM_AnalyseGsm40);
BENCHMARK(BM_AnalyseGsm300);
BENCHMARK(BM_AnalyseUcs2_100);
BENCHMARK(BM_EncodeGsm40);
BENCHMARK(BM_EncodeGsm300);
BENCHMARK(BM_EncodeGsm300Packed);
BENCHMARK(BM_EncodeUcs2_100);

}  // namespace

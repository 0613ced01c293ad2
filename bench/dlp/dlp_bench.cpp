// What the content safeguards cost a send: the DLP pre-check and full screening of typical
// texts, and ContentService::prepare_with (smart encoding + DLP) as every path runs it.
#include <benchmark/benchmark.h>

#include <string>

#include "content/content_service.hpp"
#include "dlp/detector.hpp"
#include "dlp/screener.hpp"

namespace {

using namespace diskret;

const std::string kPlain =
    "Ihr Termin bei Praxis Dr. Weber ist morgen, 14.03., um 09:30 Uhr. Bitte bringen Sie "
    "Ihre Versichertenkarte mit. Absagen unter 030 1234567.";
const std::string kOrder = "Ihre Bestellung 1234567890123456 ist unterwegs, Fragen: +49 151 12345678";
const std::string kCard = "Ihre Karte 4111 1111 1111 1111 wurde belastet.";
const std::string kTypographic = "\u201EIhr Termin\u201C \u2013 morgen um 09:30\u2026";

void BM_PreCheck(benchmark::State& state, const std::string& text) {
  for (auto _ : state) benchmark::DoNotOptimize(dlp::may_contain_builtin(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK_CAPTURE(BM_PreCheck, plain, kPlain);
BENCHMARK_CAPTURE(BM_PreCheck, order_and_phone, kOrder);

void BM_Screen(benchmark::State& state, const std::string& text) {
  auto screener = *dlp::Screener::compile(dlp::Rules{});
  for (auto _ : state) benchmark::DoNotOptimize(screener.screen(text));
}
BENCHMARK_CAPTURE(BM_Screen, plain, kPlain);
BENCHMARK_CAPTURE(BM_Screen, order_and_phone, kOrder);
BENCHMARK_CAPTURE(BM_Screen, card, kCard);

void BM_ScreenWithTenantPattern(benchmark::State& state) {
  auto screener = *dlp::Screener::compile(dlp::Rules{dlp::Policy::reject, {{"kd", "KD-\\d{6}"}}});
  for (auto _ : state) benchmark::DoNotOptimize(screener.screen(kPlain));
}
BENCHMARK(BM_ScreenWithTenantPattern);

void BM_Prepare(benchmark::State& state, const std::string& text) {
  content::MemoryContentSettingsStore store;
  content::ContentService service(store, SystemClock::instance());
  const content::ContentSettings settings;
  for (auto _ : state) {
    benchmark::DoNotOptimize(service.prepare_with(1, settings, text, "api", 1,
                                                  dlp::ContentGuard::Record::yes));
  }
}
BENCHMARK_CAPTURE(BM_Prepare, plain, kPlain);
BENCHMARK_CAPTURE(BM_Prepare, typographic, kTypographic);

}  // namespace

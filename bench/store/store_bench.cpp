// Accept throughput of the durable pipeline: group commit on SQLite (WAL, fsync on every
// commit), every recipient a new person (new subject key + blind index), encryption on.
// Run on a real disk: DISKRET_BENCH_DIR (default: ./store-bench-data under the cwd).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "crypto/secret.hpp"
#include "pipeline/durable_pipeline.hpp"
#include "store/key_ring.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using namespace diskret;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Bytes this process caused to be sent to storage (Linux /proc/self/io).
double storage_bytes() {
  FILE* f = std::fopen("/proc/self/io", "r");
  if (!f) return 0;
  char line[128];
  double bytes = 0;
  while (std::fgets(line, sizeof line, f)) {
    unsigned long long v = 0;
    if (std::sscanf(line, "write_bytes: %llu", &v) == 1) bytes = double(v);
  }
  std::fclose(f);
  return bytes;
}

std::filesystem::path bench_dir() {
  const char* env = std::getenv("DISKRET_BENCH_DIR");
  return env ? std::filesystem::path(env) : std::filesystem::current_path() / "store-bench-data";
}

/// A carrier that takes nothing: the benchmark measures accepting only.
class NoCarrier final : public pipeline::Carrier {
 public:
  void submit(std::vector<carrier::OutboundMessage>&&) override {}
  bool any_bound() const override { return false; }
};

/// A carrier that accepts everything at once (one part each).
class SinkCarrier final : public pipeline::Carrier {
 public:
  carrier::Handlers handlers;
  void submit(std::vector<carrier::OutboundMessage>&& messages) override {
    for (auto& m : messages) {
      carrier::SubmitOutcome o;
      o.message_id = m.message_id;
      o.carrier = "sink";
      o.carrier_ids.push_back(fmt::format("{:x}", next_++));
      handlers.on_outcome(std::move(o));
    }
  }
  bool any_bound() const override { return true; }

 private:
  std::uint64_t next_ = 1;
};

struct Rig {
  explicit Rig(bool dispatch) {
    std::filesystem::remove_all(bench_dir());
    store::sqlite::SqliteOptions o;
    o.main_path = bench_dir() / "diskret.db";
    o.keys_path = bench_dir() / "keys.db";
    store = std::move(*store::sqlite::SqliteStore::open(o, SystemClock::instance()));
    if (!store->migrate()) std::abort();
    keys = std::make_unique<store::KeyRing>(*store, crypto::SecretKey::generate(), "benchkeybenchkey");
    auto tx = std::move(*store->begin());
    store::TenantRecord t;
    t.public_id = "tn_bench";
    t.name = "bench";
    tenant = *tx->insert_tenant(t);
    if (!tx->insert_tenant_key(keys->new_tenant_key(tenant, 0)) || !tx->commit()) std::abort();
    tx.reset();
    pipeline::PipelineConfig config;
    config.max_in_flight = dispatch ? 4 * 64 : 0;
    config.max_queued_messages = 2'000'000;
    pipeline = std::make_unique<pipeline::DurablePipeline>(*store, *keys, SystemClock::instance(), config);
    if (dispatch) {
      sink.handlers = pipeline->carrier_handlers();
      if (!pipeline->start(sink)) std::abort();
    } else if (!pipeline->start(none)) {
      std::abort();
    }
  }
  ~Rig() {
    pipeline.reset();
    keys.reset();
    store.reset();
    std::filesystem::remove_all(bench_dir());
  }

  /// Submits without waiting; `done` runs on the writer thread.
  void submit(std::uint64_t first_number, std::size_t count, std::function<void(bool)> done) {
    pipeline::AcceptRequest r;
    r.tenant = pipeline::TenantId{tenant};
    for (std::size_t i = 0; i < count; ++i) {
      pipeline::NewMessage m;
      m.to = fmt::format("+49151{:08}", first_number + i);
      m.from = "Diskret";
      m.text = "Ihr Bestaetigungscode lautet 123456. Er gilt 10 Minuten.";
      m.segments = 1;
      m.encoding = "gsm7";
      r.messages.push_back(std::move(m));
    }
    auto ids = pipeline->preassign(count);
    pipeline->accept(std::move(r), ids,
                     [done = std::move(done)](Expected<pipeline::AcceptResult> a) { done(bool(a)); });
  }

  bool send(std::uint64_t first_number, std::size_t count) {
    std::promise<bool> answered;
    submit(first_number, count, [&](bool ok) { answered.set_value(ok); });
    return answered.get_future().get();
  }

  NoCarrier none;
  SinkCarrier sink;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  std::unique_ptr<store::KeyRing> keys;
  std::unique_ptr<pipeline::DurablePipeline> pipeline;
  std::uint64_t tenant = 0;
};

// One client thread (like the HTTP server's io thread) keeps `concurrency` requests of
// `batch` recipients open; each answer (a 202 after the commit) lets it send the next one,
// until `requests` requests per connection went out.
void run(benchmark::State& state, bool dispatch, bool repeat_numbers) {
  const auto concurrency = static_cast<std::size_t>(state.range(0));
  const auto batch = static_cast<std::size_t>(state.range(1));
  const auto requests = static_cast<std::size_t>(state.range(2));
  for (auto _ : state) {
    state.PauseTiming();
    Rig rig(dispatch);
    if (repeat_numbers) {  // every number known already: no new subject keys
      for (std::size_t c = 0; c < concurrency; ++c) rig.send(c * 100'000, batch);
      rig.pipeline->wait_idle(std::chrono::seconds(60));
    }
    const auto commits_before = rig.store->commits();
    const double cpu_before = cpu_seconds();
    const double bytes_before = storage_bytes();
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();

    std::mutex mutex;
    std::condition_variable answered;
    std::vector<std::size_t> ready;  // connections whose request was answered
    std::size_t failures = 0;
    std::vector<std::size_t> sent(concurrency, 0);
    auto send_next = [&](std::size_t c) {
      const std::uint64_t first = c * 100'000 + (repeat_numbers ? 0 : sent[c] * batch);
      ++sent[c];
      rig.submit(first, batch, [&, c](bool ok) {
        std::lock_guard lock(mutex);
        if (!ok) ++failures;
        ready.push_back(c);
        answered.notify_one();
      });
    };
    for (std::size_t c = 0; c < concurrency; ++c) send_next(c);
    std::size_t open = concurrency;
    while (open > 0) {
      std::vector<std::size_t> batch_ready;
      {
        std::unique_lock lock(mutex);
        answered.wait(lock, [&] { return !ready.empty(); });
        batch_ready.swap(ready);
      }
      for (std::size_t c : batch_ready) {
        if (sent[c] < requests) {
          send_next(c);
        } else {
          --open;
        }
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.PauseTiming();
    if (dispatch) rig.pipeline->wait_idle(std::chrono::seconds(120));
    const double messages = double(concurrency * requests * batch);
    // Device-independent figures: what the disk's speed does not change.
    state.counters["cpu_us_per_msg"] = (cpu_seconds() - cpu_before) * 1e6 / messages;
    state.counters["disk_bytes_per_msg"] = (storage_bytes() - bytes_before) / messages;
    state.counters["msgs_per_s"] = messages / seconds;
    state.counters["commits"] = double(rig.store->commits() - commits_before);
    state.counters["msgs_per_commit"] = messages / std::max(1.0, state.counters["commits"].value);
    if (failures > 0) state.SkipWithError("an accept failed");
    state.ResumeTiming();
  }
}

void BM_AcceptNewNumbers(benchmark::State& s) { run(s, false, false); }
void BM_AcceptKnownNumbers(benchmark::State& s) { run(s, false, true); }
void BM_AcceptAndSubmit(benchmark::State& s) { run(s, true, false); }

// args: open requests, recipients per request, requests per connection
BENCHMARK(BM_AcceptNewNumbers)->Args({100, 1, 300})->Args({4, 1000, 25})->Args({1, 1000, 50})
    ->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AcceptKnownNumbers)->Args({100, 1, 300})->Args({4, 1000, 25})
    ->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AcceptAndSubmit)->Args({100, 1, 300})->Args({4, 1000, 25})
    ->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// 1,000,000 accepted messages while no carrier takes any: they stay on disk, not in memory.
void BM_BacklogMemory(benchmark::State& state) {
  for (auto _ : state) {
    Rig rig(false);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t r = 0; r < 250; ++r) rig.send(t * 1'000'000 + r * 1000, 1000);
      });
    }
    for (auto& th : threads) th.join();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    state.counters["max_rss_mib"] = double(usage.ru_maxrss) / 1024.0;
    state.counters["queue_depth"] = double(rig.pipeline->stats().queue_depth);
  }
}
BENCHMARK(BM_BacklogMemory)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// fsync latency of this disk right now: the floor under every group commit.
void BM_FdatasyncLatency(benchmark::State& state) {
  std::filesystem::create_directories(bench_dir());
  const auto path = bench_dir() / "fsync-probe";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char> page(4096, 'x');
  for (auto _ : state) {
    if (::write(fd, page.data(), page.size()) != 4096) state.SkipWithError("write failed");
    ::fdatasync(fd);
  }
  ::close(fd);
  std::filesystem::remove_all(bench_dir());
}
BENCHMARK(BM_FdatasyncLatency)->Iterations(200)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

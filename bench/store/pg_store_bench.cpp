// Accept throughput of the durable pipeline on PostgreSQL (PgStore), to set beside
// store_bench's SQLite figures: the same group commits, every recipient a new person.
// PostgreSQL: DISKRET_BENCH_PG_URL (postgresql://user@host:port/db, with <db>_keys beside
// it; both emptied first), or else a throw-away server started here with PostgreSQL's
// durable defaults (fsync on), on 127.0.0.1 (tests/support/postgres_server.hpp).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "crypto/secret.hpp"
#include "pipeline/durable_pipeline.hpp"
#include "store/key_ring.hpp"
#include "store/postgresql/pg_store.hpp"
#include "support/postgres_server.hpp"

namespace {

using namespace diskret;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

class NoCarrier final : public pipeline::Carrier {
 public:
  void submit(std::vector<carrier::OutboundMessage>&&) override {}
  bool any_bound() const override { return false; }
};

// The database for every run: given, or a server of our own. Each run gets fresh schemas.
std::string next_url() {
  static int run = 0;
  static std::unique_ptr<test::PostgresServer> server;
  std::string base;
  if (const char* url = std::getenv("DISKRET_BENCH_PG_URL")) {
    base = url;
  } else {
    if (!server) {
      server = std::make_unique<test::PostgresServer>(test::PostgresServer::Durability::durable);
      if (!server->running()) throw std::runtime_error(server->error());
      for (const char* db : {"bench", "bench_keys"}) {
        if (auto failed = server->execute(std::string("CREATE DATABASE ") + db)) {
          throw std::runtime_error(*failed);
        }
      }
    }
    base = server->url("bench");
  }
  const std::string schema = fmt::format("run{}", ++run);
  auto o = store::postgresql::PgOptions::from_url(base);
  for (const auto& url : {o->url, o->keys_url}) {
    auto c = store::postgresql::PgConnection::connect(url);
    if (!c || !c->exec(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", schema))) {
      throw std::runtime_error("cannot prepare " + url);
    }
  }
  return base + (base.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

struct Rig {
  Rig() {
    auto o = store::postgresql::PgOptions::from_url(next_url());
    auto opened = store::postgresql::PgStore::open(*o, SystemClock::instance());
    if (!opened) throw std::runtime_error(opened.error().message());
    store = std::move(*opened);
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
    config.max_in_flight = 0;
    config.max_queued_messages = 2'000'000;
    pipeline = std::make_unique<pipeline::DurablePipeline>(*store, *keys, SystemClock::instance(), config);
    if (!pipeline->start(none)) std::abort();
  }

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

  NoCarrier none;
  std::unique_ptr<store::postgresql::PgStore> store;
  std::unique_ptr<store::KeyRing> keys;
  std::unique_ptr<pipeline::DurablePipeline> pipeline;
  std::uint64_t tenant = 0;
};

// As store_bench's BM_AcceptNewNumbers: `concurrency` open requests of `batch` recipients,
// `requests` per connection, each answered after its group commit.
void BM_PgAcceptNewNumbers(benchmark::State& state) {
  const auto concurrency = static_cast<std::size_t>(state.range(0));
  const auto batch = static_cast<std::size_t>(state.range(1));
  const auto requests = static_cast<std::size_t>(state.range(2));
  for (auto _ : state) {
    state.PauseTiming();
    Rig rig;
    const auto commits_before = rig.store->commits();
    const double cpu_before = cpu_seconds();
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    std::mutex mutex;
    std::condition_variable answered;
    std::vector<std::size_t> ready;
    std::size_t failures = 0;
    std::vector<std::size_t> sent(concurrency, 0);
    auto send_next = [&](std::size_t c) {
      const std::uint64_t first = c * 1'000'000 + sent[c]++ * batch;
      rig.submit(first, batch, [&, c](bool ok) {
        std::lock_guard lock(mutex);
        if (!ok) ++failures;
        ready.push_back(c);
        answered.notify_one();
      });
    };
    for (std::size_t c = 0; c < concurrency; ++c) send_next(c);
    for (std::size_t open = concurrency; open > 0;) {
      std::vector<std::size_t> done;
      {
        std::unique_lock lock(mutex);
        answered.wait(lock, [&] { return !ready.empty(); });
        done.swap(ready);
      }
      for (std::size_t c : done) {
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
    const double messages = double(concurrency * requests * batch);
    state.counters["cpu_us_per_msg"] = (cpu_seconds() - cpu_before) * 1e6 / messages;
    state.counters["msgs_per_s"] = messages / seconds;
    state.counters["commits"] = double(rig.store->commits() - commits_before);
    state.counters["msgs_per_commit"] = messages / std::max(1.0, state.counters["commits"].value);
    if (failures > 0) state.SkipWithError("an accept failed");
    state.ResumeTiming();
  }
}

// args: open requests, recipients per request, requests per connection
BENCHMARK(BM_PgAcceptNewNumbers)->Args({100, 1, 300})->Args({4, 1000, 25})->Args({1, 1000, 50})
    ->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

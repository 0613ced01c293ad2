#include "privacy/retention_job.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "audit/actions.hpp"
#include "core/thread_name.hpp"
#include "inbound/sealed_inbound.hpp"
#include "pipeline/sealed_fields.hpp"

namespace diskret::privacy {
namespace {

constexpr const char* stage_name(int s) {
  constexpr const char* kNames[] = {"message_text", "message_numbers", "inbound_text", "inbound_numbers"};
  return kNames[s];
}

bool is_inbound(int stage) { return stage >= 2; }

std::int64_t cutoff_of(int stage, const RetentionCutoffs& c) {
  switch (stage) {
    case 0: return c.message_text_ms;
    case 1: return c.message_numbers_ms;
    case 2: return c.inbound_text_ms;
    default: return c.inbound_numbers_ms;
  }
}

Scrub decide(const store::PrivacyRow& row, bool inbound, const RetentionCutoffs& c) {
  if (inbound) {
    return scrub_inbound({row.done_at_ms.value_or(0), row.status == 1,
                          row.scrubbed >= store::scrub::kTextRemoved,
                          row.scrubbed == store::scrub::kPseudonymised},
                         c);
  }
  const bool final = row.status >= store::state::kDelivered;
  return scrub_message({static_cast<std::int64_t>(row.id >> 16), final ? row.done_at_ms : std::nullopt,
                        row.scrubbed >= store::scrub::kTextRemoved,
                        row.scrubbed == store::scrub::kPseudonymised},
                       c);
}

}  // namespace

RetentionCounts& RetentionCounts::operator+=(const RetentionCounts& o) {
  message_texts += o.message_texts;
  message_numbers += o.message_numbers;
  inbound_texts += o.inbound_texts;
  inbound_numbers += o.inbound_numbers;
  return *this;
}

std::string RetentionMetrics::prometheus() const {
  std::string out;
  out += "# HELP diskret_retention_runs_total Runs of the retention job.\n";
  out += "# TYPE diskret_retention_runs_total counter\n";
  out += fmt::format("diskret_retention_runs_total{{result=\"ok\"}} {}\n", runs_ok.load());
  out += fmt::format("diskret_retention_runs_total{{result=\"error\"}} {}\n", runs_failed.load());
  out += "# HELP diskret_retention_rows_scrubbed_total Rows whose text was removed or that were pseudonymised.\n";
  out += "# TYPE diskret_retention_rows_scrubbed_total counter\n";
  out += fmt::format("diskret_retention_rows_scrubbed_total{{kind=\"message_text\"}} {}\n", message_texts.load());
  out += fmt::format("diskret_retention_rows_scrubbed_total{{kind=\"message_number\"}} {}\n", message_numbers.load());
  out += fmt::format("diskret_retention_rows_scrubbed_total{{kind=\"inbound_text\"}} {}\n", inbound_texts.load());
  out += fmt::format("diskret_retention_rows_scrubbed_total{{kind=\"inbound_number\"}} {}\n", inbound_numbers.load());
  out += "# HELP diskret_retention_last_success_timestamp_seconds End of the last successful run.\n";
  out += "# TYPE diskret_retention_last_success_timestamp_seconds gauge\n";
  out += fmt::format("diskret_retention_last_success_timestamp_seconds {:.3f}\n",
                     static_cast<double>(last_success_ms.load()) / 1000.0);
  return out;
}

Expected<bool> RetentionJob::apply(store::WriteTransaction& tx, const store::PrivacyRow& row, Stage stage,
                                   const RetentionCutoffs& cutoffs, RetentionCounts& counts) {
  const int s = static_cast<int>(stage);
  const bool inbound = is_inbound(s);
  const bool numbers_stage = s == 1 || s == 3;
  const auto decision = decide(row, inbound, cutoffs);
  if (decision == Scrub::keep) {
    // Already done for this stage, or not due yet (on its way, or finished late).
    return numbers_stage ? row.scrubbed == store::scrub::kPseudonymised
                         : row.scrubbed >= store::scrub::kTextRemoved;
  }
  auto tenant_keys = c_.keys.tenant(row.tenant_id);
  if (!tenant_keys) return unexpected(tenant_keys.error());
  const auto table = inbound ? store::RowTable::inbound : store::RowTable::messages;
  auto pseudonymise = [&]() -> Expected<bool> {
    const auto& key = (*tenant_keys)->data_key;
    auto sealed = inbound ? inbound::seal_mo(key, row.tenant_id, row.id, inbound::MoPlain{})
                          : pipeline::seal_payload(key, row.tenant_id, row.id, pipeline::Payload{});
    if (auto ok = c_.rows.rewrite(tx, table, row.id, sealed, std::nullopt, store::scrub::kPseudonymised); !ok) {
      return unexpected(ok.error());
    }
    ++(inbound ? counts.inbound_numbers : counts.message_numbers);
    return true;
  };
  if (decision == Scrub::pseudonymise) return pseudonymise();

  // drop_text: the same key, the same number, no text.
  crypto::SecretKey key = (*tenant_keys)->data_key;
  if (row.subject_id) {
    auto subject = c_.keys.subject_key(row.tenant_id, *row.subject_id);
    if (!subject && subject.error().code == diskret::Errc::not_found) return pseudonymise();  // erased
    if (!subject) return unexpected(subject.error());
    key = *subject;
  }
  std::string sealed;
  if (inbound) {
    auto mo = inbound::open_mo(key, row.tenant_id, row.id, row.payload);
    if (!mo) return unexpected(mo.error());
    sealed = inbound::seal_mo(key, row.tenant_id, row.id, inbound::MoPlain{mo->from, ""});
  } else {
    store::MessageRecord m;
    m.id = row.id;
    m.tenant_id = row.tenant_id;
    m.subject_id = row.subject_id;
    m.payload = row.payload;
    auto payload = pipeline::open_payload(c_.keys, m);
    if (!payload) return unexpected(payload.error());
    sealed = pipeline::seal_payload(key, row.tenant_id, row.id, pipeline::Payload{payload->to, "", ""});
  }
  if (auto ok = c_.rows.rewrite(tx, table, row.id, sealed, row.subject_id, store::scrub::kTextRemoved); !ok) {
    return unexpected(ok.error());
  }
  ++(inbound ? counts.inbound_texts : counts.message_texts);
  return !numbers_stage;
}

Expected<void> RetentionJob::walk(std::uint64_t tenant, Stage stage, const RetentionCutoffs& cutoffs,
                                  RetentionCounts& counts) {
  const int s = static_cast<int>(stage);
  const std::string name = stage_name(s);
  const auto table = is_inbound(s) ? store::RowTable::inbound : store::RowTable::messages;
  const auto bound = id_bound(cutoff_of(s, cutoffs));
  auto cursor = c_.rows.cursor(tenant, name);
  if (!cursor) return unexpected(cursor.error());
  auto next = *cursor;
  while (next < bound) {
    auto rows = c_.rows.rows_between(table, tenant, next, bound, batch_);
    if (!rows) return unexpected(rows.error());
    auto tx = c_.store.begin();
    if (!tx) return unexpected(tx.error());
    for (const auto& row : *rows) {
      auto done = apply(**tx, row, stage, cutoffs, counts);
      if (!done) return unexpected(done.error());
      if (!*done) {
        if (auto ok = c_.rows.add_pending(**tx, tenant, name, row.id); !ok) return unexpected(ok.error());
      }
    }
    next = rows->size() < batch_ ? bound : rows->back().id + 1;
    if (auto ok = c_.rows.set_cursor(**tx, tenant, name, next); !ok) return unexpected(ok.error());
    if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  }
  return {};
}

Expected<void> RetentionJob::revisit(std::uint64_t tenant, Stage stage, const RetentionCutoffs& cutoffs,
                                     RetentionCounts& counts) {
  const int s = static_cast<int>(stage);
  const std::string name = stage_name(s);
  const auto table = is_inbound(s) ? store::RowTable::inbound : store::RowTable::messages;
  auto ids = c_.rows.pending(tenant, name);
  if (!ids) return unexpected(ids.error());
  if (ids->empty()) return {};
  auto tx = c_.store.begin();
  if (!tx) return unexpected(tx.error());
  for (auto id : *ids) {
    auto row = c_.rows.row(table, tenant, id);
    if (!row) return unexpected(row.error());
    bool done = true;  // a row that is gone (erased) needs nothing more
    if (*row) {
      auto applied = apply(**tx, **row, stage, cutoffs, counts);
      if (!applied) return unexpected(applied.error());
      done = *applied;
    }
    if (done) {
      if (auto ok = c_.rows.remove_pending(**tx, tenant, name, id); !ok) return unexpected(ok.error());
    }
  }
  return (*tx)->commit();
}

Expected<RetentionCounts> RetentionJob::run_tenant(std::uint64_t tenant) {
  auto stored = c_.rows.retention_settings(tenant);
  if (!stored) return unexpected(stored.error());
  RetentionPolicy policy;
  if (*stored) {
    auto parsed = policy_from_json(**stored);
    if (!parsed) return unexpected(parsed.error());
    policy = *parsed;
  }
  const auto cutoffs = privacy::cutoffs(policy, c_.clock.now_ms());
  RetentionCounts counts;
  for (auto stage : {Stage::message_numbers, Stage::message_text, Stage::inbound_numbers, Stage::inbound_text}) {
    if (auto ok = revisit(tenant, stage, cutoffs, counts); !ok) return unexpected(ok.error());
    if (auto ok = walk(tenant, stage, cutoffs, counts); !ok) return unexpected(ok.error());
  }
  if (counts.total() > 0) {
    audit::AuditDraft entry;
    entry.tenant = tenant;
    entry.actor = "system:retention";
    entry.action = std::string(audit::action::kRetentionRun);
    entry.details = boost::json::serialize(boost::json::object{
        {"message_texts_removed", counts.message_texts},
        {"messages_pseudonymised", counts.message_numbers},
        {"inbound_texts_removed", counts.inbound_texts},
        {"inbound_pseudonymised", counts.inbound_numbers}});
    if (auto ok = c_.audit.record(entry); !ok) return unexpected(ok.error());
  }
  return counts;
}

Expected<RetentionCounts> RetentionJob::run_once() {
  RetentionCounts total;
  auto tenants = c_.rows.tenants();
  auto fail_run = [&](const Error& e) -> Expected<RetentionCounts> {
    metrics_.runs_failed.fetch_add(1);
    return unexpected(e);
  };
  if (!tenants) return fail_run(tenants.error());
  for (auto t : *tenants) {
    auto counts = run_tenant(t);
    if (!counts) return fail_run(counts.error());
    total += *counts;
    metrics_.message_texts.fetch_add(counts->message_texts);
    metrics_.message_numbers.fetch_add(counts->message_numbers);
    metrics_.inbound_texts.fetch_add(counts->inbound_texts);
    metrics_.inbound_numbers.fetch_add(counts->inbound_numbers);
  }
  metrics_.runs_ok.fetch_add(1);
  metrics_.last_success_ms.store(c_.clock.now_ms());
  return total;
}

void RetentionJob::start(std::chrono::milliseconds interval) {
  stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = core::named_thread("retention", [this, interval] {
    for (;;) {
      (void)run_once();  // failures are counted; the next run tries again
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, interval, [this] { return stopping_; })) return;
    }
  });
}

void RetentionJob::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace diskret::privacy

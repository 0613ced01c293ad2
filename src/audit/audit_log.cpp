#include "audit/audit_log.hpp"

#include <algorithm>
#include <cstring>

#include <boost/json.hpp>

#include "audit/chain.hpp"
#include "audit/errc.hpp"
#include "core/hex.hpp"

namespace diskret::audit {
namespace {

std::string bytes_of(const crypto::Sha256& h) { return std::string(reinterpret_cast<const char*>(h.data()), h.size()); }

crypto::Sha256 sha_of(const std::string& bytes) {
  crypto::Sha256 h{};
  std::memcpy(h.data(), bytes.data(), std::min(bytes.size(), h.size()));
  return h;
}

// Writers outside this module may record a sentence; the chain keeps only JSON objects.
std::string normalise_details(const std::string& details) {
  if (details.empty()) return "{}";
  boost::system::error_code ec;
  auto v = boost::json::parse(details, ec);
  if (!ec && v.is_object()) return details;
  return boost::json::serialize(boost::json::object{{"note", details}});
}

std::optional<store::Blind> blind_of(const std::string& hex) {
  if (hex.empty()) return std::nullopt;
  auto bytes = from_hex(hex);
  store::Blind b{};
  if (!bytes || bytes->size() != b.size()) return std::nullopt;
  std::copy(bytes->begin(), bytes->end(), b.begin());
  return b;
}

Checkpoint to_checkpoint(const store::AuditCheckpointRow& r) {
  Checkpoint c;
  c.tenant = r.tenant_id;
  c.seq = r.seq;
  c.hash = sha_of(r.hash);
  c.at_ms = r.at_ms;
  c.key_id = r.key_id;
  std::memcpy(c.signature.data(), r.signature.data(), std::min(r.signature.size(), c.signature.size()));
  return c;
}

store::AuditCheckpointRow to_checkpoint_row(const Checkpoint& c) {
  return {c.tenant, c.seq, bytes_of(c.hash), c.at_ms, c.key_id,
          std::string(reinterpret_cast<const char*>(c.signature.data()), c.signature.size())};
}

}  // namespace

std::string subject_hex(const store::Blind& blind) { return to_hex(blind); }

AuditEntry to_entry(const store::AuditChainRow& r) {
  AuditEntry e;
  e.tenant = r.tenant_id;
  e.seq = r.seq.value_or(0);
  e.at_ms = r.at_ms;
  e.actor = r.actor;
  e.action = r.action;
  e.object = r.object;
  e.subject = r.subject_blind ? subject_hex(*r.subject_blind) : std::string();
  e.details = r.details;
  e.prev_hash = sha_of(r.prev_hash);
  e.hash = sha_of(r.hash);
  return e;
}

store::AuditChainRow to_row(const AuditEntry& e) {
  store::AuditChainRow r;
  r.tenant_id = e.tenant;
  r.seq = e.seq;
  r.at_ms = e.at_ms;
  r.actor = e.actor;
  r.action = e.action;
  r.object = e.object;
  r.subject_blind = blind_of(e.subject);
  r.details = e.details;
  r.prev_hash = bytes_of(e.prev_hash);
  r.hash = bytes_of(e.hash);
  return r;
}

AuditLog::AuditLog(store::Store& store, store::AuditChainStore& rows, store::KeyVault& vault,
                   store::ServiceKeys& keys, const Clock& clock, CheckpointPolicy policy)
    : store_(store), rows_(rows), vault_(vault), keys_(keys), clock_(clock), policy_(policy) {}

Expected<crypto::SigningKey> AuditLog::signer() {
  std::lock_guard lock(signer_mutex_);
  if (!signer_) {
    auto key = keys_.audit_signing_key();
    if (!key) return unexpected(key.error());
    signer_ = *key;
  }
  return *signer_;
}

Expected<crypto::SigningPublicKey> AuditLog::public_key() {
  auto key = signer();
  if (!key) return unexpected(key.error());
  return key->public_key();
}

Expected<ChainHead> AuditLog::head(store::WriteTransaction& tx, std::uint64_t tenant) {
  auto row = rows_.head(tx, tenant);
  if (!row) return unexpected(row.error());
  if (!*row) return ChainHead{tenant, 0, kGenesisHash};
  return ChainHead{tenant, (*row)->seq.value_or(0), sha_of((*row)->hash)};
}

Expected<AuditEntry> AuditLog::record(store::WriteTransaction& tx, AuditDraft draft) {
  if (draft.at_ms == 0) draft.at_ms = clock_.now_ms();
  draft.details = normalise_details(draft.details);
  auto h = head(tx, draft.tenant);
  if (!h) return unexpected(h.error());
  auto entry = seal_entry(draft, *h);
  if (!entry) return unexpected(entry.error());
  if (auto id = rows_.insert(tx, to_row(*entry)); !id) return unexpected(id.error());
  auto last = rows_.last_checkpoint(tx, draft.tenant);
  if (!last) return unexpected(last.error());
  if (checkpoint_due(head_of(*entry), *last ? (*last)->seq : 0, policy_)) {
    auto key = signer();
    if (!key) return unexpected(key.error());
    auto c = make_checkpoint(head_of(*entry), draft.at_ms, *key);
    if (auto ok = rows_.insert_checkpoint(tx, to_checkpoint_row(c)); !ok) return unexpected(ok.error());
  }
  return entry;
}

Expected<AuditEntry> AuditLog::record(AuditDraft draft) {
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  auto entry = record(**tx, std::move(draft));
  if (!entry) return entry;
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  return entry;
}

Expected<std::uint64_t> AuditLog::append(store::WriteTransaction& tx, const store::AuditEventRecord& e) {
  AuditDraft d;
  d.tenant = e.tenant_id;
  d.at_ms = e.at_ms;
  d.actor = e.actor;
  d.action = e.action;
  d.object = e.object;
  d.subject = e.subject_blind ? subject_hex(*e.subject_blind) : std::string();
  d.details = e.details;
  auto entry = record(tx, std::move(d));
  if (!entry) return unexpected(entry.error());
  auto row = rows_.head(tx, e.tenant_id);
  if (!row) return unexpected(row.error());
  return *row ? (*row)->id : 0;
}

Expected<std::vector<store::AuditEventRecord>> AuditLog::events(std::uint64_t tenant,
                                                                std::uint64_t before_id,
                                                                std::size_t limit) {
  store::AuditPageQuery q;
  q.tenant_id = tenant;
  q.before_id = before_id;
  q.limit = limit;
  auto rows = rows_.page(q);
  if (!rows) return unexpected(rows.error());
  std::vector<store::AuditEventRecord> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    out.push_back({r.id, r.tenant_id, r.at_ms, r.actor, r.action, r.object, r.subject_blind, r.details});
  }
  return out;
}

Expected<std::vector<AuditEntry>> AuditLog::page(const store::AuditPageQuery& query) {
  auto rows = rows_.page(query);
  if (!rows) return unexpected(rows.error());
  std::vector<AuditEntry> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(to_entry(r));
  return out;
}

Expected<std::size_t> AuditLog::checkpoint_all() {
  auto heads = rows_.heads();
  if (!heads) return unexpected(heads.error());
  auto latest = rows_.latest_checkpoints();
  if (!latest) return unexpected(latest.error());
  auto key = signer();
  if (!key) return unexpected(key.error());
  std::size_t made = 0;
  auto tx = store_.begin();
  if (!tx) return unexpected(tx.error());
  for (const auto& h : *heads) {
    auto cp = std::find_if(latest->begin(), latest->end(),
                           [&](const auto& c) { return c.tenant_id == h.tenant_id; });
    if (cp != latest->end() && cp->seq >= h.seq.value_or(0)) continue;
    auto c = make_checkpoint(ChainHead{h.tenant_id, h.seq.value_or(0), sha_of(h.hash)}, clock_.now_ms(), *key);
    if (auto ok = rows_.insert_checkpoint(**tx, to_checkpoint_row(c)); !ok) return unexpected(ok.error());
    ++made;
  }
  if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  if (auto ok = anchor(); !ok) return unexpected(ok.error());
  return made;
}

Expected<void> AuditLog::anchor() {
  auto latest = rows_.latest_checkpoints();
  if (!latest) return unexpected(latest.error());
  for (const auto& c : *latest) {
    if (auto ok = vault_.advance_anchor({c.tenant_id, c.seq, c.hash, c.at_ms, c.key_id, c.signature}); !ok) {
      return ok;
    }
  }
  return {};
}

Expected<std::vector<AuditLog::RewoundChain>> AuditLog::rewind_anchors() {
  auto anchors = vault_.anchors();
  if (!anchors) return unexpected(anchors.error());
  auto heads = rows_.heads();
  if (!heads) return unexpected(heads.error());
  auto latest = rows_.latest_checkpoints();
  if (!latest) return unexpected(latest.error());
  std::vector<RewoundChain> out;
  for (const auto& a : *anchors) {
    auto head = std::find_if(heads->begin(), heads->end(), [&](const auto& h) { return h.tenant_id == a.tenant_id; });
    const std::uint64_t restored = head == heads->end() ? 0 : head->seq.value_or(0);
    if (a.seq <= restored) continue;
    auto cp = std::find_if(latest->begin(), latest->end(), [&](const auto& c) { return c.tenant_id == a.tenant_id; });
    auto ok = cp == latest->end()
                  ? vault_.remove_anchor(a.tenant_id)
                  : vault_.replace_anchor({cp->tenant_id, cp->seq, cp->hash, cp->at_ms, cp->key_id, cp->signature});
    if (!ok) return unexpected(ok.error());
    out.push_back({a.tenant_id, a.seq, restored});
  }
  return out;
}

Expected<std::size_t> AuditLog::adopt_unchained() {
  std::size_t adopted = 0;
  for (;;) {
    auto tx = store_.begin();
    if (!tx) return unexpected(tx.error());
    auto batch = rows_.unchained(**tx, 500);
    if (!batch) return unexpected(batch.error());
    if (batch->empty()) return adopted;
    for (auto& r : *batch) {
      auto h = head(**tx, r.tenant_id);
      if (!h) return unexpected(h.error());
      AuditDraft d{r.tenant_id, r.at_ms, r.actor, r.action, r.object,
                   r.subject_blind ? subject_hex(*r.subject_blind) : std::string(),
                   normalise_details(r.details)};
      auto e = seal_entry(d, *h);
      if (!e) {
        // A row this chain cannot hold as it is (an odd actor or action): keep what was
        // written, in a form the chain accepts.
        d.details = boost::json::serialize(boost::json::object{
            {"adopted_from", boost::json::object{{"actor", r.actor}, {"action", r.action}}}});
        d.actor = "system:adopted";
        d.action = "audit.adopted";
        if (d.object.size() > 200) d.object.resize(200);
        e = seal_entry(d, *h);
        if (!e) return unexpected(e.error());
      }
      auto row = to_row(*e);
      row.id = r.id;
      if (auto ok = rows_.adopt(**tx, row); !ok) return unexpected(ok.error());
      ++adopted;
    }
    if (auto ok = (*tx)->commit(); !ok) return unexpected(ok.error());
  }
}

Expected<VerifyReport> AuditLog::verify() {
  auto keys = keys_.audit_public_keys();
  if (!keys) return unexpected(keys.error());
  auto stored = rows_.checkpoints();
  if (!stored) return unexpected(stored.error());
  std::vector<Checkpoint> checkpoints;
  for (const auto& c : *stored) checkpoints.push_back(to_checkpoint(c));
  auto anchors = vault_.anchors();
  if (!anchors) return unexpected(anchors.error());
  for (const auto& a : *anchors) {
    checkpoints.push_back(to_checkpoint({a.tenant_id, a.seq, a.hash, a.at_ms, a.key_id, a.signature}));
  }
  Verifier verifier(checkpoints, *keys);
  std::uint64_t tenant = 0;
  std::uint64_t seq = 0;
  for (;;) {
    auto batch = rows_.scan(tenant, seq, 2000);
    if (!batch) return unexpected(batch.error());
    if (batch->empty()) break;
    for (const auto& r : *batch) verifier.add(to_entry(r));
    tenant = batch->back().tenant_id;
    seq = batch->back().seq.value_or(0);
  }
  return verifier.finish();
}

}  // namespace diskret::audit

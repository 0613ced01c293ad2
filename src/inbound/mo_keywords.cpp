// MoIntake: keyword effects (step 2) and replies (step 3).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "inbound/mo_intake.hpp"
#include "inbound/mo_plan.hpp"
#include "phone/phone_number.hpp"
#include "sms/text.hpp"

namespace diskret::inbound {
namespace {

bool temporary(const Error& e) { return e.code == make_error_code(diskret::Errc::unavailable); }

std::string hex_id(std::uint64_t id) {
  return pipeline::format_message_id(pipeline::MessageId{id});
}

}  // namespace

bool MoIntake::handle(const Pending& p) {
  const store::InboundMessageRecord& r = p.record;
  const std::string& e164 = p.plain.from;
  const auto give_up = [&](const Error& e) {
    // Not the database refusing for now, so trying again would fail the same way.
    spdlog::error("inbound: keyword of inbound message {} not applied: {}", hex_id(r.id),
                  e.message());
    if (auto tx = d_.store.begin()) {
      if (d_.inbound.writes(**tx)->mark_handled(r.id)) (void)(*tx)->commit();
    }
    return true;
  };
  auto info = d_.settings.get(r.tenant_id);
  if (!info) return temporary(info.error()) ? false : give_up(info.error());
  auto own = d_.inbound.number(e164);
  if (!own) return false;
  auto history = d_.inbound.keyword_replies(r.tenant_id, *r.subject_id,
                                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                                policy_.window_start().time_since_epoch())
                                                .count());
  if (!history) return false;
  std::vector<PastReply> past;
  for (const auto& h : *history) {
    past.push_back(
        {static_cast<KeywordKind>(h.kind), SystemTime{std::chrono::milliseconds{h.at_ms}}});
  }
  MoPlan plan = plan_mo(MoFacts{p.plain.text, true, own->has_value(), past},
                        (*info)->settings.matcher, policy_, (*info)->settings.replies);

  // Effects in their own (idempotent) transactions, before ours marks the MO handled.
  Expected<bool> changed = false;
  if (plan.suppress) changed = d_.effects.suppress(r.tenant_id, e164);
  if (plan.unsuppress) changed = d_.effects.unsuppress(r.tenant_id, e164);
  if (plan.confirm_consent) changed = d_.effects.confirm(r.tenant_id, e164);
  if (!changed) return temporary(changed.error()) ? false : give_up(changed.error());
  // A YES that confirms nothing gets no thanks, a START that lifts nothing no "subscribed
  // again" (a suppression the tenant made stays, and START grants no consent).
  if ((plan.confirm_consent || plan.unsuppress) && !*changed && plan.reply == ReplyVerdict::send) {
    plan.reply = ReplyVerdict::no_text;
    plan.reply_text.clear();
  }

  const std::int64_t now_ms = d_.clock.now_ms();
  std::uint64_t reply_id = 0;
  auto tx = d_.store.begin();
  if (!tx) return false;
  auto writes = d_.inbound.writes(**tx);
  if (plan.audit_action) {
    auto keys = d_.keys.tenant(r.tenant_id);
    if (!keys) return false;
    store::AuditEventRecord event;
    event.tenant_id = r.tenant_id;
    event.at_ms = now_ms;
    event.actor = "system:sms_keyword";
    event.action = std::string(*plan.audit_action);
    event.object = "inbound:" + hex_id(r.id);
    event.subject_blind = store::KeyRing::blind(**keys, e164);
    event.details = fmt::format(R"({{"source":"sms_keyword","keyword":"{}","changed":{}}})",
                                keyword_kind_name(plan.keyword->kind), *changed);
    if (!d_.audit.append(**tx, event)) return false;
  }
  if (plan.reply == ReplyVerdict::send) {
    auto id = writes->insert_keyword_reply({0, r.tenant_id, *r.subject_id,
                                            static_cast<std::uint8_t>(plan.keyword->kind), r.id,
                                            now_ms, false});
    if (!id) return false;
    reply_id = *id;
  }
  if (!writes->mark_handled(r.id) || !(*tx)->commit()) return false;
  tx->reset();
  {
    std::lock_guard lock(mutex_);
    ++stats_.keywords;
  }
  spdlog::info("inbound: keyword {} from {} (tenant {}): {}, reply {}",
               plan.keyword ? keyword_kind_name(plan.keyword->kind) : "none",
               phone::PhoneNumber::mask_e164(e164), r.tenant_id, *changed ? "applied" : "no change",
               reply_verdict_name(plan.reply));
  if (reply_id != 0) send_reply(r.tenant_id, r.id, reply_id, e164, r.number, plan.reply_text);
  return true;
}

void MoIntake::send_reply(std::uint64_t tenant, std::uint64_t inbound_id, std::uint64_t reply_id,
                          const std::string& to, const std::string& from, const std::string& text) {
  auto info = sms::analyse(text);
  if (!info) {
    spdlog::error("inbound: keyword reply for tenant {} cannot be encoded: {}", tenant,
                  info.error().message());
    std::lock_guard lock(mutex_);
    accepted_.push_back(reply_id);  // nothing to send, ever: do not try again
    cv_.notify_one();
    return;
  }
  pipeline::NewMessage m;
  m.to = to;
  m.from = from;
  m.text = text;
  m.category = pipeline::Category::transactional;
  m.segments = static_cast<std::uint16_t>(info->segments);
  m.encoding = sms::encoding_name(info->encoding);
  pipeline::AcceptRequest request;
  request.tenant = pipeline::TenantId{tenant};
  request.messages.push_back(std::move(m));
  request.idempotency_key = reply_key(inbound_id);
  request.fingerprint = *request.idempotency_key;
  request.response = "{}";
  {
    std::lock_guard lock(mutex_);
    replies_in_flight_.insert(reply_id);
    idle_ = false;
  }
  const auto ids = d_.pipeline.preassign(1);
  d_.pipeline.accept(std::move(request), ids, [this, reply_id](Expected<pipeline::AcceptResult> r) {
    std::lock_guard lock(mutex_);
    replies_in_flight_.erase(reply_id);
    if (r) {
      accepted_.push_back(reply_id);
      if (!r->replayed) ++stats_.replies;
    } else {
      retry_replies_ = true;
      reply_retry_at_ = std::chrono::steady_clock::now() + config_.retry_after;
    }
    idle_ = false;
    cv_.notify_one();
  });
}

void MoIntake::resume_replies() {
  auto rows = d_.inbound.unaccepted_replies(1000);
  if (!rows) {
    std::lock_guard lock(mutex_);
    retry_replies_ = true;
    reply_retry_at_ = std::chrono::steady_clock::now() + config_.retry_after;
    return;
  }
  for (const auto& reply : *rows) {
    {
      std::lock_guard lock(mutex_);
      if (replies_in_flight_.contains(reply.id)) continue;
    }
    auto row = d_.inbound.inbound(reply.tenant_id, reply.inbound_id);
    auto info = d_.settings.get(reply.tenant_id);
    if (!row || !info) continue;
    std::optional<MoPlain> plain;
    if (*row) {
      if (auto opened = open(**row)) plain = std::move(*opened);
    }
    const std::string& text =
        (*info)->settings.replies.for_kind(static_cast<KeywordKind>(reply.kind));
    if (!plain || text.empty()) {
      // The message or its key is gone (erasure), or the tenant switched this reply off:
      // nothing to send.
      std::lock_guard lock(mutex_);
      accepted_.push_back(reply.id);
      continue;
    }
    send_reply(reply.tenant_id, reply.inbound_id, reply.id, plain->from, (*row)->number, text);
  }
}

void MoIntake::mark_accepted(std::vector<std::uint64_t>& reply_ids) {
  auto tx = d_.store.begin();
  Expected<void> ok = tx ? Expected<void>{} : unexpected(tx.error());
  if (ok) {
    auto writes = d_.inbound.writes(**tx);
    for (std::uint64_t id : reply_ids) {
      if (ok) ok = writes->mark_reply_accepted(id);
    }
    if (ok) ok = (*tx)->commit();
  }
  if (ok) return;
  // Harmless: after a restart these replies are accepted again, and the pipeline answers
  // with the stored result of the first acceptance (no second SMS).
  spdlog::warn("inbound: marking {} keyword reply(ies) accepted failed: {}", reply_ids.size(),
               ok.error().message());
}

}  // namespace diskret::inbound

#include "pipeline/accept_writer.hpp"

#include "pipeline/sealed_fields.hpp"

namespace diskret::pipeline {
namespace {

std::int64_t to_ms(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

store::MessageRecord base_record(const NewMessage& m, std::uint64_t tenant, MessageId id,
                                 std::int64_t now_ms) {
  store::MessageRecord r;
  r.id = id.value;
  r.tenant_id = tenant;
  r.category = static_cast<std::uint8_t>(m.category);
  r.segments = m.segments;
  r.encoding = m.encoding;
  r.sender = m.from;
  if (m.expires_at) r.expires_at_ms = to_ms(*m.expires_at);
  if (m.rejected) {
    r.status = store::state::kRejected;
    r.error_code = m.rejected->code;
    r.error_detail = m.rejected->detail;
    r.done_at_ms = now_ms;
  } else if (m.send_at && to_ms(*m.send_at) > now_ms) {
    r.send_at_ms = to_ms(*m.send_at);  // only future times: the rest is due now
  }
  return r;
}

Expected<void> write_messages(store::WriteTransaction& tx, store::KeyRing& keys,
                              const store::TenantKeys& tenant_keys, const AcceptRequest& request,
                              const std::vector<MessageId>& ids, std::int64_t now_ms) {
  const std::uint64_t tenant = request.tenant.value;
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    const NewMessage& m = request.messages[i];
    store::MessageRecord r = base_record(m, tenant, ids[i], now_ms);
    r.request_id = request.request_id;
    const Payload payload{m.to, m.text, m.client_ref};
    if (looks_like_e164(m.to)) {
      auto subject = keys.subject_for_write(tx, tenant, tenant_keys, m.to, now_ms);
      if (!subject) return unexpected(subject.error());
      r.subject_id = subject->subject_id;
      r.payload = seal_payload(subject->key, tenant, r.id, payload);
    } else {
      // Not a phone number (a rejected recipient): there is no person to key it to.
      r.payload = seal_payload(tenant_keys.data_key, tenant, r.id, payload);
    }
    if (auto ok = tx.insert_message(r); !ok) return ok;
  }
  return {};
}

RequestResult write_request(store::WriteTransaction& tx, store::KeyRing& keys,
                            AcceptCharger* charger, const store::TenantKeys& tenant_keys,
                            AcceptRequest& request,
                            const std::vector<MessageId>& ids, std::int64_t now_ms) {
  const std::uint64_t tenant = request.tenant.value;
  if (request.idempotency_key) {
    auto earlier = tx.find_idempotency(tenant, *request.idempotency_key);
    if (!earlier) return unexpected(earlier.error());
    if (*earlier) {
      // A request racing with the same key, or a retry that missed find_idempotent().
      auto stored = open_idempotency(tenant_keys.data_key, **earlier);
      if (!stored) return unexpected(stored.error());
      if (stored->first != request.fingerprint) {
        return fail(Errc::already_exists, "The Idempotency-Key was used for another request.");
      }
      return AcceptResult{{}, std::move(stored->second)};
    }
  }
  std::size_t unpaid = 0;
  if (charger) {
    auto charged = charger->charge(tx, request.tenant, request.messages, ids, now_ms);
    if (!charged) return unexpected(charged.error());
    unpaid = *charged;
    if (unpaid > 0 && request.render) request.response = request.render(request.messages);
  }
  if (auto ok = write_messages(tx, keys, tenant_keys, request, ids, now_ms); !ok) {
    return unexpected(ok.error());
  }
  if (request.write_with) {
    if (auto ok = request.write_with(tx); !ok) return unexpected(ok.error());
  }
  if (request.idempotency_key) {
    store::IdempotencyRecord r;
    r.tenant_id = tenant;
    r.key = *request.idempotency_key;
    r.sealed = seal_idempotency(tenant_keys.data_key, tenant, r.key, request.fingerprint,
                                request.response);
    r.created_at_ms = now_ms;
    if (auto ok = tx.insert_idempotency(r); !ok) return unexpected(ok.error());
  }
  AcceptResult result{ids, std::nullopt};
  if (unpaid > 0) {
    result.response = request.response;
    result.unpaid = unpaid;
  }
  return result;
}

}  // namespace

Expected<RequestResult> write_accept(store::WriteTransaction& tx, store::KeyRing& keys,
                                     AcceptCharger* charger, AcceptRequest& request,
                                     const std::vector<MessageId>& ids, std::int64_t now_ms) {
  auto tenant_keys = keys.tenant(request.tenant.value);
  if (!tenant_keys) {
    if (!is_request_error(tenant_keys.error())) return unexpected(tenant_keys.error());
    return RequestResult(fail(Errc::not_found, "Unknown tenant."));
  }
  if (auto ok = tx.savepoint(); !ok) return unexpected(ok.error());
  RequestResult result = write_request(tx, keys, charger, **tenant_keys, request, ids, now_ms);
  if (!result && request.idempotency_key &&
      result.error().code == make_error_code(Errc::already_exists)) {
    // Several nodes: another node stored the same key after our lookup and committed while
    // we waited on its row. Once more from the start: the lookup now sees its answer.
    if (auto ok = tx.rollback_to_savepoint(); !ok) return unexpected(ok.error());
    if (auto ok = tx.savepoint(); !ok) return unexpected(ok.error());
    result = write_request(tx, keys, charger, **tenant_keys, request, ids, now_ms);
  }
  if (!result && !is_request_error(result.error())) return unexpected(result.error());
  auto closed = result ? tx.release_savepoint() : tx.rollback_to_savepoint();
  if (!closed && result && is_request_error(closed.error())) {
    // PostgreSQL sends a request's inserts with its release: a conflict shows there, and
    // fails this request only.
    if (auto ok = tx.rollback_to_savepoint(); !ok) return unexpected(ok.error());
    return RequestResult(unexpected(closed.error()));
  }
  if (!closed) return unexpected(closed.error());
  return result;
}

}  // namespace diskret::pipeline

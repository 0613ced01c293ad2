#include "smpp_server/receipt_maker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

#include "crypto/secret_box.hpp"
#include "smpp/pdu_codec.hpp"
#include "smpp_server/receipts.hpp"

namespace diskret::smpp_server {

Expected<void> ReceiptMaker::write(store::WriteTransaction& tx,
                                   std::span<const pipeline::StatusEvent> events,
                                   std::int64_t now_ms) {
  std::unordered_map<std::uint64_t, pipeline::MessageStatus> final_status;
  std::vector<std::uint64_t> ids;
  for (const auto& e : events) {
    if (!pipeline::is_final(e.status)) continue;
    if (final_status.emplace(e.id.value, e.status).second) ids.push_back(e.id.value);
  }
  if (ids.empty()) return {};
  auto requests = notes_.take_receipt_requests(tx, ids);
  if (!requests) return unexpected(requests.error());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> written;
  std::uint64_t unreadable = 0;
  const SystemTime done_at{std::chrono::milliseconds{now_ms}};
  std::vector<std::uint8_t> bytes;
  for (const auto& note : *requests) {
    auto keys = keys_.tenant(note.tenant_id);
    if (!keys && keys.error().code != make_error_code(Errc::not_found)) {
      return unexpected(keys.error());  // the key store is away: the commit is tried again
    }
    std::optional<ReceiptRequest> request;
    if (keys) {
      auto plain = crypto::open((*keys)->data_key, note.sealed,
                                request_ad(note.tenant_id, note.message_id));
      if (plain) request = decode_request(*plain);
    }
    if (!request) {  // offboarded tenant or a damaged row: nothing can be sent
      ++unreadable;
      continue;
    }
    request->tenant = pipeline::TenantId{note.tenant_id};
    const pipeline::MessageId id{note.message_id};
    bytes.clear();
    smpp::encode_to(smpp::Pdu{0, 0, build_receipt(id, *request, final_status.at(id.value), done_at)},
                    bytes);
    const std::string sealed = crypto::seal(
        (*keys)->data_key,
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
        outbox_ad(note.tenant_id));
    if (auto ok = notes_.add_deliver(tx, note.tenant_id, note.keep_until, sealed); !ok) return ok;
    written.emplace_back(note.message_id, note.tenant_id);
  }
  if (unreadable > 0) {
    spdlog::warn("smpp server: {} receipt request(s) could not be opened and were dropped",
                 unreadable);
  }
  std::lock_guard lock(mutex_);
  for (const auto& [message, tenant] : written) written_[message] = tenant;
  return {};
}

std::vector<std::uint64_t> ReceiptMaker::committed(std::span<const pipeline::StatusEvent> events) {
  std::unordered_set<std::uint64_t> tenants;
  {
    std::lock_guard lock(mutex_);
    if (written_.empty()) return {};
    for (const auto& e : events) {
      if (auto it = written_.find(e.id.value); it != written_.end()) {
        tenants.insert(it->second);
        written_.erase(it);
      }
    }
  }
  std::vector<std::uint64_t> out(tenants.begin(), tenants.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace diskret::smpp_server

#include "smpp_server/receipts.hpp"

#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <vector>

#include "crypto/secret_box.hpp"

namespace diskret::smpp_server {

smpp::ReceiptState receipt_state(pipeline::MessageStatus status) noexcept {
  using pipeline::MessageStatus;
  switch (status) {
    case MessageStatus::delivered:
      return smpp::ReceiptState::delivered;
    case MessageStatus::failed:
      return smpp::ReceiptState::undeliverable;
    case MessageStatus::expired:
      return smpp::ReceiptState::expired;
    case MessageStatus::rejected:
      return smpp::ReceiptState::rejected;
    case MessageStatus::accepted:
      return smpp::ReceiptState::accepted;
    case MessageStatus::submitted:
      return smpp::ReceiptState::enroute;
  }
  return smpp::ReceiptState::unknown;
}

std::string receipt_date(SystemTime t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<minutes>(t - day)};
  return fmt::format("{:02}{:02}{:02}{:02}{:02}", static_cast<int>(ymd.year()) % 100,
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count());
}

smpp::DeliverSm build_receipt(pipeline::MessageId id, const ReceiptRequest& request,
                              pipeline::MessageStatus status, SystemTime done_at) {
  smpp::DeliveryReceipt r;
  r.id = pipeline::format_message_id(id);
  r.submitted = 1;
  r.delivered = status == pipeline::MessageStatus::delivered ? 1 : 0;
  r.submit_date = receipt_date(request.submitted_at);
  r.done_date = receipt_date(done_at);
  r.state = receipt_state(status);
  // err: 000 for success; 001 is the generic failure code most ESMEs expect.
  r.error = status == pipeline::MessageStatus::delivered ? "000" : "001";
  smpp::DeliverSm pdu = smpp::make_receipt_pdu(r, request.destination_addr, request.source_addr);
  pdu.source_addr_ton = request.dest_ton;
  pdu.source_addr_npi = request.dest_npi;
  pdu.dest_addr_ton = request.source_ton;
  pdu.dest_addr_npi = request.source_npi;
  return pdu;
}

std::string outbox_ad(std::uint64_t tenant) {
  return crypto::record_ad(tenant, "smpp_outbox", 0, "pdu");
}

std::string request_ad(std::uint64_t tenant, std::uint64_t message_id) {
  return crypto::record_ad(tenant, "smpp_receipt_requests", message_id, "request");
}

// A receipt request as bytes: NUL-separated fields (SMPP addresses are C-octet strings,
// so they hold no NUL).
std::string encode_request(const ReceiptRequest& r) {
  const auto submitted = std::chrono::duration_cast<std::chrono::milliseconds>(
                             r.submitted_at.time_since_epoch())
                             .count();
  std::string out;
  for (const std::string& field :
       {std::to_string(r.source_ton), std::to_string(r.source_npi), std::to_string(r.dest_ton),
        std::to_string(r.dest_npi), std::to_string(submitted), r.source_addr}) {
    out.append(field).push_back('\0');
  }
  out.append(r.destination_addr);
  return out;
}

std::optional<ReceiptRequest> decode_request(std::string_view bytes) {
  std::vector<std::string> f;
  std::size_t start = 0;
  for (;;) {
    const auto nul = bytes.find('\0', start);
    f.emplace_back(bytes.substr(start, nul == std::string_view::npos ? nul : nul - start));
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  if (f.size() != 7) return std::nullopt;
  try {
    ReceiptRequest r;
    r.source_ton = static_cast<std::uint8_t>(std::stoul(f[0]));
    r.source_npi = static_cast<std::uint8_t>(std::stoul(f[1]));
    r.dest_ton = static_cast<std::uint8_t>(std::stoul(f[2]));
    r.dest_npi = static_cast<std::uint8_t>(std::stoul(f[3]));
    r.submitted_at = SystemTime{std::chrono::milliseconds{std::stoll(f[4])}};
    r.source_addr = f[5];
    r.destination_addr = f[6];
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace diskret::smpp_server

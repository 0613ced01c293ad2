#include "smsc_sim/receipt_builder.hpp"

#include <ctime>

#include "smpp/delivery_receipt.hpp"
#include "smsc_sim/submit_log.hpp"

namespace diskret::smsc_sim {

bool wants_receipt(std::uint8_t registered_delivery, ReceiptOutcome outcome) noexcept {
  const std::uint8_t mode = registered_delivery & 0x03;
  if (mode == 1) return true;
  return mode == 2 && outcome == ReceiptOutcome::undeliverable;
}

std::string receipt_date(std::int64_t epoch_ms) {
  // Receipts are built per submit; the date changes once a minute, so remember the last.
  thread_local std::int64_t cached_minute = -1;
  thread_local std::string cached;
  const std::int64_t minute = epoch_ms / 60'000;
  if (minute == cached_minute) return cached;
  const std::time_t secs = static_cast<std::time_t>(minute * 60);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%y%m%d%H%M", &tm);
  cached_minute = minute;
  cached = buf;
  return cached;
}

std::string receipt_text_excerpt(const smpp::SubmitSm& submit, std::size_t max_chars) {
  std::string_view octets = submit.short_message;
  if (octets.empty() && submit.tlvs.message_payload) octets = *submit.tlvs.message_payload;
  if (submit.esm_class & smpp::esm::udhi) {
    const auto udh = parse_udh(octets);
    octets.remove_prefix(udh ? udh->header_length : octets.size());
  }
  auto printable = [](unsigned code) { return code >= 0x20 && code < 0x7f; };
  std::string out;
  if (submit.data_coding == 0x08) {
    for (std::size_t i = 0; i + 1 < octets.size() && out.size() < max_chars; i += 2) {
      const unsigned unit = (static_cast<unsigned char>(octets[i]) << 8) |
                            static_cast<unsigned char>(octets[i + 1]);
      out.push_back(printable(unit) ? static_cast<char>(unit) : '?');
    }
  } else {
    // GSM 03.38 unpacked, Latin-1 and ASCII agree on letters, digits and most signs.
    for (std::size_t i = 0; i < octets.size() && out.size() < max_chars; ++i) {
      const unsigned c = static_cast<unsigned char>(octets[i]);
      out.push_back(printable(c) ? static_cast<char>(c) : '?');
    }
  }
  return out;
}

smpp::DeliverSm build_receipt(const smpp::SubmitSm& submit, std::string_view message_id,
                              ReceiptOutcome outcome, std::int64_t submit_ms,
                              std::int64_t done_ms) {
  const bool failed = outcome == ReceiptOutcome::undeliverable;
  smpp::DeliveryReceipt r;
  r.id = std::string(message_id);
  r.submitted = 1;
  r.delivered = failed ? 0 : 1;
  r.submit_date = receipt_date(submit_ms);
  r.done_date = receipt_date(done_ms);
  r.state = failed ? smpp::ReceiptState::undeliverable : smpp::ReceiptState::delivered;
  r.error = failed ? "001" : "000";
  r.text = receipt_text_excerpt(submit);
  // The receipt travels back: from the handset (the submit's destination) to the sender.
  smpp::DeliverSm pdu = smpp::make_receipt_pdu(r, submit.destination_addr, submit.source_addr);
  pdu.source_addr_ton = submit.dest_addr_ton;
  pdu.source_addr_npi = submit.dest_addr_npi;
  pdu.dest_addr_ton = submit.source_addr_ton;
  pdu.dest_addr_npi = submit.source_addr_npi;
  return pdu;
}

}  // namespace diskret::smsc_sim

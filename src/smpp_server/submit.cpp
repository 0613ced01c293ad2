#include "smpp_server/submit.hpp"

#include <cctype>

#include "api/send_request.hpp"
#include "sms/sender_id.hpp"
#include "sms/text.hpp"

namespace diskret::smpp_server {
namespace {

constexpr std::uint8_t kTonInternational = 1;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int two(std::string_view s, std::size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

// An international TON with bare digits means the number has no '+' yet.
std::string with_plus(const std::string& addr, std::uint8_t ton) {
  if (ton == kTonInternational && all_digits(addr)) return "+" + addr;
  return addr;
}

}  // namespace

Expected<std::optional<SystemTime>, smpp::Status> parse_smpp_time(std::string_view t,
                                                                  SystemTime now) {
  if (t.empty()) return std::optional<SystemTime>{};
  if (t.size() != 16 || !all_digits(t.substr(0, 15)))
    return unexpected(smpp::Status::invalid_expiry_time);
  const int yy = two(t, 0), mo = two(t, 2), dd = two(t, 4), hh = two(t, 6), mi = two(t, 8),
            ss = two(t, 10), nn = two(t, 13);
  const char p = t[15];
  using namespace std::chrono;
  if (p == 'R') {
    // Relative: years and months counted as 365 and 30 days, as SMSCs commonly do.
    const auto d = days{yy * 365 + mo * 30 + dd} + hours{hh} + minutes{mi} + seconds{ss};
    return std::optional<SystemTime>{now + d};
  }
  if (p != '+' && p != '-') return unexpected(smpp::Status::invalid_expiry_time);
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48) {
    return unexpected(smpp::Status::invalid_expiry_time);
  }
  const year_month_day ymd{year{2000 + yy}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(dd)}};
  if (!ymd.ok()) return unexpected(smpp::Status::invalid_expiry_time);
  SystemTime local =
      sys_days{ymd} + hours{hh} + minutes{mi} + seconds{ss} + milliseconds{(t[12] - '0') * 100};
  // The time is local to an offset of nn quarter hours ahead of (+) or behind (-) UTC.
  const minutes offset{nn * 15};
  return std::optional<SystemTime>{p == '+' ? local - offset : local + offset};
}

Expected<SubmitPart, smpp::Status> read_submit(const smpp::SubmitSm& pdu, SystemTime now) {
  if (pdu.destination_addr.empty()) return unexpected(smpp::Status::invalid_dest_addr);
  if (pdu.source_addr.empty()) return unexpected(smpp::Status::invalid_source_addr);
  // Only default-mode store-and-forward messages (with or without UDH) are accepted.
  if ((pdu.esm_class & smpp::esm::type_mask) != 0)
    return unexpected(smpp::Status::invalid_esm_class);

  SubmitPart part;
  part.from = with_plus(pdu.source_addr, pdu.source_addr_ton);
  part.to = with_plus(pdu.destination_addr, pdu.dest_addr_ton);
  part.wants_receipt = (pdu.registered_delivery & 0x03) != 0;

  auto send_at = parse_smpp_time(pdu.schedule_delivery_time, now);
  if (!send_at) return unexpected(smpp::Status::invalid_schedule_time);
  if (*send_at && **send_at > now) part.send_at = *send_at;
  auto expires = parse_smpp_time(pdu.validity_period, now);
  if (!expires) return unexpected(smpp::Status::invalid_expiry_time);
  part.expires_at = *expires;

  const std::string& octets = pdu.short_message.empty() && pdu.tlvs.message_payload
                                  ? *pdu.tlvs.message_payload
                                  : pdu.short_message;
  if (octets.empty()) return unexpected(smpp::Status::invalid_msg_length);
  auto decoded = sms::decode(octets, pdu.data_coding, (pdu.esm_class & smpp::esm::udhi) != 0);
  if (!decoded) return unexpected(smpp::Status::invalid_msg_length);
  part.text = std::move(decoded->text);
  part.concat = decoded->concat;
  if (!part.concat && pdu.tlvs.sar_msg_ref_num && pdu.tlvs.sar_total_segments &&
      pdu.tlvs.sar_segment_seqnum) {
    part.concat = sms::ConcatInfo{*pdu.tlvs.sar_msg_ref_num, *pdu.tlvs.sar_total_segments,
                                  *pdu.tlvs.sar_segment_seqnum};
  }
  if (part.concat && (part.concat->number == 0 || part.concat->number > part.concat->total)) {
    return unexpected(smpp::Status::invalid_optional_param_value);
  }
  if (part.concat && part.concat->total <= 1) part.concat.reset();
  return part;
}

Expected<pipeline::NewMessage, smpp::Status> plan_submit(const SubmitPart& first, std::string text,
                                                         const tenancy::TenantSettings& settings) {
  api::SendRequest request;
  auto from = sms::SenderId::parse(first.from);
  if (!from) return unexpected(smpp::Status::invalid_source_addr);
  request.from = std::move(*from);
  auto info = sms::analyse(text);
  if (!info || info->segments > settings.max_segments) {
    return unexpected(smpp::Status::invalid_msg_length);
  }
  request.text_info = *info;
  request.text = std::move(text);
  request.to.push_back(first.to);
  request.send_at = first.send_at;
  request.expires_at = first.expires_at;
  auto planned = api::plan_messages(request, settings);
  if (planned.size() != 1 || planned.front().rejected) {
    return unexpected(smpp::Status::invalid_dest_addr);
  }
  return std::move(planned.front());
}

}  // namespace diskret::smpp_server

#pragma once
/// submit_sm -> what the pipeline accepts, as pure functions: decoding of the text
/// (data_coding, UDH, SAR TLVs, message_payload), SMPP times, addresses, and the per-
/// recipient rules of the API (api::plan_messages), each failure an SMPP command_status.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/message.hpp"
#include "smpp/command_status.hpp"
#include "smpp/pdu.hpp"
#include "sms/inbound.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::smpp_server {

/// One submit_sm, decoded; `text` may be one part of a concatenated message.
struct SubmitPart {
  std::string text;  ///< UTF-8 of this part
  std::optional<sms::ConcatInfo> concat;
  std::string from;            ///< sender as the API takes it ("+4915...", "Shop", "12345")
  std::string to;              ///< recipient as the API takes it ("+4915..." or national)
  bool wants_receipt = false;  ///< registered_delivery asks for a final receipt
  std::optional<SystemTime> send_at;
  std::optional<SystemTime> expires_at;
};

/// Reads a submit_sm: ESME_RINVDSTADR (empty destination), ESME_RINVSRCADR (empty source),
/// ESME_RINVMSGLEN (no text or undecodable octets), ESME_RINVSCHED/ESME_RINVEXPIRY (bad
/// times), ESME_RINVESMCLASS (not a plain or UDH message).
Expected<SubmitPart, smpp::Status> read_submit(const smpp::SubmitSm& pdu, SystemTime now);

/// SMPP 3.4 time "YYMMDDhhmmsstnnp" (p '+'/'-' quarter hours from UTC, 'R' relative to
/// `now`); empty -> nullopt.
Expected<std::optional<SystemTime>, smpp::Status> parse_smpp_time(std::string_view text,
                                                                  SystemTime now);

/// The whole message for the pipeline, validated with the API's rules: ESME_RINVSRCADR for
/// an invalid sender id, ESME_RINVMSGLEN for empty text or more segments than the tenant
/// allows, ESME_RINVDSTADR for an invalid or not allowed recipient.
Expected<pipeline::NewMessage, smpp::Status> plan_submit(const SubmitPart& first, std::string text,
                                                         const tenancy::TenantSettings& settings);

}  // namespace diskret::smpp_server

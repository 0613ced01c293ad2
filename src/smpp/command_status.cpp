#include "smpp/command_status.hpp"

#include <cstdio>
#include <string>

namespace diskret::smpp {
namespace {

struct StatusInfo {
  Status status;
  const char* name;
  const char* message;
};

// One table for logs, problem+json details and submit_sm_resp explanations.
constexpr StatusInfo kStatuses[] = {
    {Status::ok, "ESME_ROK", "no error"},
    {Status::invalid_msg_length, "ESME_RINVMSGLEN", "message length is invalid"},
    {Status::invalid_command_length, "ESME_RINVCMDLEN", "command length is invalid"},
    {Status::invalid_command_id, "ESME_RINVCMDID", "invalid command id"},
    {Status::invalid_bind_status, "ESME_RINVBNDSTS", "incorrect bind status for this command"},
    {Status::already_bound, "ESME_RALYBND", "already bound"},
    {Status::invalid_priority_flag, "ESME_RINVPRTFLG", "invalid priority flag"},
    {Status::invalid_registered_delivery, "ESME_RINVREGDLVFLG", "invalid registered delivery flag"},
    {Status::system_error, "ESME_RSYSERR", "system error at the SMSC"},
    {Status::invalid_source_addr, "ESME_RINVSRCADR", "invalid source address"},
    {Status::invalid_dest_addr, "ESME_RINVDSTADR", "invalid destination address"},
    {Status::invalid_message_id, "ESME_RINVMSGID", "message id is invalid"},
    {Status::bind_failed, "ESME_RBINDFAIL", "bind failed"},
    {Status::invalid_password, "ESME_RINVPASWD", "invalid password"},
    {Status::invalid_system_id, "ESME_RINVSYSID", "invalid system id"},
    {Status::message_queue_full, "ESME_RMSGQFUL", "message queue full"},
    {Status::invalid_service_type, "ESME_RINVSERTYP", "invalid service type"},
    {Status::invalid_esm_class, "ESME_RINVESMCLASS", "invalid esm_class field data"},
    {Status::submit_failed, "ESME_RSUBMITFAIL", "submit_sm failed"},
    {Status::invalid_source_ton, "ESME_RINVSRCTON", "invalid source address type of number"},
    {Status::invalid_source_npi, "ESME_RINVSRCNPI", "invalid source address numbering plan"},
    {Status::invalid_dest_ton, "ESME_RINVDSTTON", "invalid destination address type of number"},
    {Status::invalid_dest_npi, "ESME_RINVDSTNPI", "invalid destination address numbering plan"},
    {Status::invalid_system_type, "ESME_RINVSYSTYP", "invalid system type"},
    {Status::throttled, "ESME_RTHROTTLED", "throttling error: the ESME exceeded its message rate"},
    {Status::invalid_schedule_time, "ESME_RINVSCHED", "invalid scheduled delivery time"},
    {Status::invalid_expiry_time, "ESME_RINVEXPIRY", "invalid validity period (expiry time)"},
    {Status::invalid_default_msg_id, "ESME_RINVDFTMSGID", "predefined message not found"},
    {Status::receiver_no_response, "ESME_RX_T_APPN", "receiver temporary application error"},
    {Status::receiver_reject, "ESME_RX_R_APPN", "receiver reject message error"},
    {Status::invalid_optional_param_length, "ESME_RINVPARLEN", "invalid optional parameter length"},
    {Status::missing_optional_param, "ESME_RMISSINGOPTPARAM", "expected optional parameter missing"},
    {Status::invalid_optional_param_value, "ESME_RINVOPTPARAMVAL", "invalid optional parameter value"},
    {Status::delivery_failure, "ESME_RDELIVERYFAILURE", "delivery failure"},
    {Status::unknown_error, "ESME_RUNKNOWNERR", "unknown error"},
};

const StatusInfo* find(Status s) noexcept {
  for (const auto& info : kStatuses) {
    if (info.status == s) return &info;
  }
  return nullptr;
}

class StatusCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smpp"; }
  std::string message(int ev) const override {
    if (const auto* info = find(static_cast<Status>(ev))) return info->message;
    char buf[48];
    std::snprintf(buf, sizeof buf, "SMPP command_status 0x%08x", static_cast<unsigned>(ev));
    return buf;
  }
};

}  // namespace

const std::error_category& status_category() noexcept {
  static const StatusCategory category;
  return category;
}

const char* status_name(Status s) noexcept {
  if (const auto* info = find(s)) return info->name;
  // Vendor-specific codes (0x400-0x4FF) are common; they still need a printable name.
  thread_local char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(s));
  return buf;
}

bool is_transient(Status s) noexcept {
  switch (s) {
    case Status::throttled:
    case Status::message_queue_full:
    case Status::system_error:
    case Status::receiver_no_response:
      return true;
    default:
      return false;
  }
}

}  // namespace diskret::smpp

#pragma once
/// SMPP command_status values as an error_code category (SMPP 3.4 section 5.1.3).
#include <cstdint>
#include <system_error>

namespace diskret::smpp {

enum class Status : std::uint32_t {
  ok = 0x00000000,
  invalid_msg_length = 0x00000001,       ///< ESME_RINVMSGLEN
  invalid_command_length = 0x00000002,   ///< ESME_RINVCMDLEN
  invalid_command_id = 0x00000003,       ///< ESME_RINVCMDID
  invalid_bind_status = 0x00000004,      ///< ESME_RINVBNDSTS
  already_bound = 0x00000005,            ///< ESME_RALYBND
  invalid_priority_flag = 0x00000006,    ///< ESME_RINVPRTFLG
  invalid_registered_delivery = 0x00000007,  ///< ESME_RINVREGDLVFLG
  system_error = 0x00000008,             ///< ESME_RSYSERR
  invalid_source_addr = 0x0000000A,      ///< ESME_RINVSRCADR
  invalid_dest_addr = 0x0000000B,        ///< ESME_RINVDSTADR
  invalid_message_id = 0x0000000C,       ///< ESME_RINVMSGID
  bind_failed = 0x0000000D,              ///< ESME_RBINDFAIL
  invalid_password = 0x0000000E,         ///< ESME_RINVPASWD
  invalid_system_id = 0x0000000F,        ///< ESME_RINVSYSID
  message_queue_full = 0x00000014,       ///< ESME_RMSGQFUL
  invalid_service_type = 0x00000015,     ///< ESME_RINVSERTYP
  invalid_esm_class = 0x00000043,        ///< ESME_RINVESMCLASS
  submit_failed = 0x00000045,            ///< ESME_RSUBMITFAIL
  invalid_source_ton = 0x00000048,       ///< ESME_RINVSRCTON
  invalid_source_npi = 0x00000049,       ///< ESME_RINVSRCNPI
  invalid_dest_ton = 0x00000050,         ///< ESME_RINVDSTTON
  invalid_dest_npi = 0x00000051,         ///< ESME_RINVDSTNPI
  invalid_system_type = 0x00000053,      ///< ESME_RINVSYSTYP
  throttled = 0x00000058,                ///< ESME_RTHROTTLED
  invalid_schedule_time = 0x00000061,    ///< ESME_RINVSCHED
  invalid_expiry_time = 0x00000062,      ///< ESME_RINVEXPIRY
  invalid_default_msg_id = 0x00000063,   ///< ESME_RINVDFTMSGID
  receiver_no_response = 0x00000064,     ///< ESME_RX_T_APPN
  receiver_reject = 0x00000066,          ///< ESME_RX_R_APPN
  invalid_optional_param_length = 0x000000C2,  ///< ESME_RINVPARLEN
  missing_optional_param = 0x000000C3,   ///< ESME_RMISSINGOPTPARAM
  invalid_optional_param_value = 0x000000C4,   ///< ESME_RINVOPTPARAMVAL
  delivery_failure = 0x000000FE,         ///< ESME_RDELIVERYFAILURE
  unknown_error = 0x000000FF,            ///< ESME_RUNKNOWNERR
};

const std::error_category& status_category() noexcept;
inline std::error_code make_error_code(Status s) noexcept {
  return {static_cast<int>(s), status_category()};
}
/// "ESME_RTHROTTLED" etc.; "0x%08x" for values without a name.
const char* status_name(Status s) noexcept;
/// Whether a submit that got this status may be retried later (throttling, queue full,
/// system error) rather than failing the message for good.
bool is_transient(Status s) noexcept;

}  // namespace diskret::smpp

template <>
struct std::is_error_code_enum<diskret::smpp::Status> : std::true_type {};

#pragma once
/// The mandatory-field layout of every SMPP 3.4 PDU body, written once as data. The same
/// tables drive encode, decode and to_string (STYLE rule 8, after Kannel's smpp_pdu.def).
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "smpp/command_status.hpp"
#include "smpp/pdu.hpp"

namespace diskret::smpp::detail {

enum class FieldKind : std::uint8_t {
  c_string,       ///< NUL-terminated; max counts the NUL
  u8,             ///< one octet
  short_message,  ///< sm_length octet followed by that many raw octets; max is the octet limit
};

/// How to_string may show a field: logs must never carry addresses, texts or secrets.
enum class Shown : std::uint8_t { plain, address, length_only, secret };

template <class S>
struct Field {
  std::string_view name;
  FieldKind kind;
  std::uint16_t max;        ///< see FieldKind
  Status status;            ///< reported when the field is malformed on the wire
  Shown shown;
  std::string S::*text = nullptr;
  std::uint8_t S::*octet = nullptr;
  /// Accept a string that runs to the very end of the PDU without its NUL (sloppy SMSCs
  /// do this with submit_sm_resp.message_id).
  bool lenient_tail = false;
};

template <class S>
constexpr Field<S> c_string(std::string_view name, std::uint16_t max, Status status,
                            std::string S::*m, Shown shown = Shown::plain, bool lenient = false) {
  return {name, FieldKind::c_string, max, status, shown, m, nullptr, lenient};
}
template <class S>
constexpr Field<S> octet(std::string_view name, std::uint8_t S::*m) {
  return {name, FieldKind::u8, 1, Status::invalid_command_length, Shown::plain, nullptr, m};
}

// Section 4.1.1 (bind_transmitter), shared by all three binds.
inline constexpr std::array kBindFields{
    c_string<BindBody>("system_id", 16, Status::invalid_system_id, &BindBody::system_id),
    c_string<BindBody>("password", 9, Status::invalid_password, &BindBody::password, Shown::secret),
    c_string<BindBody>("system_type", 13, Status::invalid_system_type, &BindBody::system_type),
    octet<BindBody>("interface_version", &BindBody::interface_version),
    octet<BindBody>("addr_ton", &BindBody::addr_ton),
    octet<BindBody>("addr_npi", &BindBody::addr_npi),
    c_string<BindBody>("address_range", 41, Status::invalid_command_length, &BindBody::address_range),
};

// Section 4.1.2; the body is omitted when command_status is non-zero.
inline constexpr std::array kBindRespFields{
    c_string<BindRespBody>("system_id", 16, Status::invalid_system_id, &BindRespBody::system_id,
                           Shown::plain, true),
};

// Sections 4.4.1 (submit_sm) and 4.6.1 (deliver_sm) share this layout.
using Sm = ShortMessageBody;
inline constexpr std::array kShortMessageFields{
    c_string<Sm>("service_type", 6, Status::invalid_service_type, &Sm::service_type),
    octet<Sm>("source_addr_ton", &Sm::source_addr_ton),
    octet<Sm>("source_addr_npi", &Sm::source_addr_npi),
    c_string<Sm>("source_addr", 21, Status::invalid_source_addr, &Sm::source_addr, Shown::address),
    octet<Sm>("dest_addr_ton", &Sm::dest_addr_ton),
    octet<Sm>("dest_addr_npi", &Sm::dest_addr_npi),
    c_string<Sm>("destination_addr", 21, Status::invalid_dest_addr, &Sm::destination_addr,
                 Shown::address),
    octet<Sm>("esm_class", &Sm::esm_class),
    octet<Sm>("protocol_id", &Sm::protocol_id),
    octet<Sm>("priority_flag", &Sm::priority_flag),
    c_string<Sm>("schedule_delivery_time", 17, Status::invalid_schedule_time,
                 &Sm::schedule_delivery_time),
    c_string<Sm>("validity_period", 17, Status::invalid_expiry_time, &Sm::validity_period),
    octet<Sm>("registered_delivery", &Sm::registered_delivery),
    octet<Sm>("replace_if_present_flag", &Sm::replace_if_present_flag),
    octet<Sm>("data_coding", &Sm::data_coding),
    octet<Sm>("sm_default_msg_id", &Sm::sm_default_msg_id),
    Field<Sm>{"short_message", FieldKind::short_message, 254, Status::invalid_msg_length,
              Shown::length_only, &Sm::short_message},
};

// Section 4.4.2; message_id max 65 including NUL. Body omitted on error.
inline constexpr std::array kSubmitSmRespFields{
    c_string<SubmitSmResp>("message_id", 65, Status::invalid_command_length,
                           &SubmitSmResp::message_id, Shown::plain, true),
};

// Section 4.6.2: message_id is "unused, set to NULL"; we read up to 65 octets anyway.
inline constexpr std::array kDeliverSmRespFields{
    c_string<DeliverSmResp>("message_id", 65, Status::invalid_command_length,
                            &DeliverSmResp::message_id, Shown::plain, true),
};

/// The field table for a body type (empty for header-only PDUs).
template <class T>
constexpr auto fields_of() noexcept {
  if constexpr (std::is_base_of_v<BindBody, T>) return std::span<const Field<BindBody>>{kBindFields};
  else if constexpr (std::is_base_of_v<BindRespBody, T>) return std::span<const Field<BindRespBody>>{kBindRespFields};
  else if constexpr (std::is_base_of_v<ShortMessageBody, T>) return std::span<const Field<ShortMessageBody>>{kShortMessageFields};
  else if constexpr (std::is_same_v<T, SubmitSmResp>) return std::span<const Field<SubmitSmResp>>{kSubmitSmRespFields};
  else if constexpr (std::is_same_v<T, DeliverSmResp>) return std::span<const Field<DeliverSmResp>>{kDeliverSmRespFields};
  else return std::span<const Field<T>>{};
}

/// Whether the body type stores optional parameters.
template <class T>
inline constexpr bool kHasTlvs =
    std::is_base_of_v<BindRespBody, T> || std::is_base_of_v<ShortMessageBody, T>;

/// command_id of each Body alternative, in variant order.
inline constexpr std::array<CommandId, std::variant_size_v<Body>> kCommandIds{
    CommandId::bind_transmitter,      CommandId::bind_receiver,
    CommandId::bind_transceiver,      CommandId::bind_transmitter_resp,
    CommandId::bind_receiver_resp,    CommandId::bind_transceiver_resp,
    CommandId::submit_sm,             CommandId::submit_sm_resp,
    CommandId::deliver_sm,            CommandId::deliver_sm_resp,
    CommandId::unbind,                CommandId::unbind_resp,
    CommandId::enquire_link,          CommandId::enquire_link_resp,
    CommandId::generic_nack,
};
static_assert(std::variant_size_v<Body> == 15, "add the new PDU to kCommandIds");
static_assert(std::is_same_v<std::variant_alternative_t<7, Body>, SubmitSmResp>);
static_assert(std::is_same_v<std::variant_alternative_t<14, Body>, GenericNack>);

}  // namespace diskret::smpp::detail

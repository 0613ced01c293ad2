#pragma once
/// SMPP 3.4 PDUs as plain value structs. Encoding/decoding lives in pdu_codec.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace diskret::smpp {

enum class CommandId : std::uint32_t {
  generic_nack = 0x80000000,
  bind_receiver = 0x00000001,
  bind_receiver_resp = 0x80000001,
  bind_transmitter = 0x00000002,
  bind_transmitter_resp = 0x80000002,
  submit_sm = 0x00000004,
  submit_sm_resp = 0x80000004,
  deliver_sm = 0x00000005,
  deliver_sm_resp = 0x80000005,
  unbind = 0x00000006,
  unbind_resp = 0x80000006,
  bind_transceiver = 0x00000009,
  bind_transceiver_resp = 0x80000009,
  enquire_link = 0x00000015,
  enquire_link_resp = 0x80000015,
};

/// Optional parameter tags (SMPP 3.4 section 5.3.2).
namespace tag {
inline constexpr std::uint16_t dest_addr_subunit = 0x0005;
inline constexpr std::uint16_t user_message_reference = 0x0204;
inline constexpr std::uint16_t source_port = 0x020A;
inline constexpr std::uint16_t destination_port = 0x020B;
inline constexpr std::uint16_t sar_msg_ref_num = 0x020C;
inline constexpr std::uint16_t sar_total_segments = 0x020E;
inline constexpr std::uint16_t sar_segment_seqnum = 0x020F;
inline constexpr std::uint16_t sc_interface_version = 0x0210;
inline constexpr std::uint16_t payload_type = 0x0019;
inline constexpr std::uint16_t message_payload = 0x0424;
inline constexpr std::uint16_t receipted_message_id = 0x001E;
inline constexpr std::uint16_t message_state = 0x0427;
inline constexpr std::uint16_t network_error_code = 0x0423;
}  // namespace tag

/// message_state values (SMPP 3.4 section 5.2.28).
enum class MessageState : std::uint8_t {
  enroute = 1, delivered = 2, expired = 3, deleted = 4,
  undeliverable = 5, accepted = 6, unknown = 7, rejected = 8,
};

/// A TLV the codec does not model; kept so that it survives decode -> encode.
struct Tlv {
  std::uint16_t tag = 0;
  std::string value;  ///< raw bytes
  friend bool operator==(const Tlv&, const Tlv&) = default;
};

/// The optional parameters diskret uses, plus every other TLV verbatim.
struct Tlvs {
  std::optional<std::string> message_payload;        ///< raw bytes (UDH allowed)
  std::optional<std::string> receipted_message_id;   ///< C-octet string, without NUL
  std::optional<MessageState> message_state;
  std::optional<std::string> network_error_code;     ///< exactly 3 bytes: type, code (2)
  std::optional<std::uint16_t> sar_msg_ref_num;
  std::optional<std::uint8_t> sar_total_segments;
  std::optional<std::uint8_t> sar_segment_seqnum;
  std::optional<std::uint16_t> user_message_reference;
  std::optional<std::uint8_t> sc_interface_version;
  std::vector<Tlv> other;                            ///< unknown TLVs, in wire order
  friend bool operator==(const Tlvs&, const Tlvs&) = default;
};

/// The three binds share one body layout (section 4.1).
struct BindBody {
  std::string system_id;      ///< max 15 chars
  std::string password;       ///< max 8 chars
  std::string system_type;    ///< max 12 chars
  std::uint8_t interface_version = 0x34;
  std::uint8_t addr_ton = 0;
  std::uint8_t addr_npi = 0;
  std::string address_range;  ///< max 40 chars
  friend bool operator==(const BindBody&, const BindBody&) = default;
};
struct BindTransmitter : BindBody {};
struct BindReceiver : BindBody {};
struct BindTransceiver : BindBody {};

struct BindRespBody {
  std::string system_id;
  Tlvs tlvs;                  ///< sc_interface_version
  friend bool operator==(const BindRespBody&, const BindRespBody&) = default;
};
struct BindTransmitterResp : BindRespBody {};
struct BindReceiverResp : BindRespBody {};
struct BindTransceiverResp : BindRespBody {};

/// submit_sm and deliver_sm share one layout (sections 4.4 and 4.6).
struct ShortMessageBody {
  std::string service_type;
  std::uint8_t source_addr_ton = 0;
  std::uint8_t source_addr_npi = 0;
  std::string source_addr;          ///< max 20 chars
  std::uint8_t dest_addr_ton = 0;
  std::uint8_t dest_addr_npi = 0;
  std::string destination_addr;     ///< max 20 chars
  std::uint8_t esm_class = 0;
  std::uint8_t protocol_id = 0;
  std::uint8_t priority_flag = 0;
  std::string schedule_delivery_time;  ///< empty or 16 chars
  std::string validity_period;         ///< empty or 16 chars
  std::uint8_t registered_delivery = 0;
  std::uint8_t replace_if_present_flag = 0;
  std::uint8_t data_coding = 0;
  std::uint8_t sm_default_msg_id = 0;
  std::string short_message;        ///< raw octets, max 254; UDH included when esm_class UDHI
  Tlvs tlvs;
  friend bool operator==(const ShortMessageBody&, const ShortMessageBody&) = default;
};
struct SubmitSm : ShortMessageBody {};
struct DeliverSm : ShortMessageBody {};

struct SubmitSmResp {
  std::string message_id;  ///< max 64 chars; may be absent (empty body) on error responses
  friend bool operator==(const SubmitSmResp&, const SubmitSmResp&) = default;
};
struct DeliverSmResp {
  std::string message_id;  ///< unused, always empty per spec
  friend bool operator==(const DeliverSmResp&, const DeliverSmResp&) = default;
};

struct Unbind { friend bool operator==(const Unbind&, const Unbind&) = default; };
struct UnbindResp { friend bool operator==(const UnbindResp&, const UnbindResp&) = default; };
struct EnquireLink { friend bool operator==(const EnquireLink&, const EnquireLink&) = default; };
struct EnquireLinkResp { friend bool operator==(const EnquireLinkResp&, const EnquireLinkResp&) = default; };
struct GenericNack { friend bool operator==(const GenericNack&, const GenericNack&) = default; };

using Body = std::variant<BindTransmitter, BindReceiver, BindTransceiver,
                          BindTransmitterResp, BindReceiverResp, BindTransceiverResp,
                          SubmitSm, SubmitSmResp, DeliverSm, DeliverSmResp,
                          Unbind, UnbindResp, EnquireLink, EnquireLinkResp, GenericNack>;

/// One PDU: header fields (command_id follows from the body's type) and the body.
struct Pdu {
  std::uint32_t command_status = 0;
  std::uint32_t sequence_number = 0;
  Body body;
  friend bool operator==(const Pdu&, const Pdu&) = default;
};

CommandId command_id(const Body& body) noexcept;
const char* command_name(CommandId id) noexcept;
/// True for *_resp and generic_nack.
inline bool is_response(CommandId id) noexcept {
  return (static_cast<std::uint32_t>(id) & 0x80000000u) != 0;
}

/// esm_class bits used by diskret.
namespace esm {
inline constexpr std::uint8_t udhi = 0x40;               ///< short_message starts with a UDH
inline constexpr std::uint8_t delivery_receipt = 0x04;   ///< deliver_sm carries a receipt
inline constexpr std::uint8_t type_mask = 0x3C;
}  // namespace esm

}  // namespace diskret::smpp

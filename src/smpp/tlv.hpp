#pragma once
/// Optional parameters (TLVs): the modelled ones in Tlvs, every other one kept verbatim.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "smpp/pdu.hpp"
#include "smpp/pdu_codec.hpp"

namespace diskret::smpp {

/// Appends every present TLV: the modelled ones in a fixed order, then Tlvs::other in its
/// order. Values longer than 65535 octets are cut (a TLV length is 16 bits).
void encode_tlvs(const Tlvs& tlvs, std::vector<std::uint8_t>& out);

/// Reads TLVs until the end of `bytes` into `tlvs`. Fails with invalid_command_length when
/// fewer than 4 octets remain (not a TLV), invalid_optional_param_length when a length runs
/// past the end or does not fit the tag's type. DecodeError's command_id and sequence are 0.
Expected<void, DecodeError> decode_tlvs(std::span<const std::uint8_t> bytes, Tlvs& tlvs);

/// "message_payload" etc., or nullptr for tags diskret does not model.
const char* tlv_name(std::uint16_t tag) noexcept;

/// Log form: names and lengths; message_payload content is never shown.
std::string to_string(const Tlvs& tlvs);

}  // namespace diskret::smpp

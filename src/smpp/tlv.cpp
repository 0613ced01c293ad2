#include "smpp/tlv.hpp"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "smpp/detail/cursor.hpp"

namespace diskret::smpp {
namespace {

enum class TlvKind : std::uint8_t { bytes, c_string, u8, u16, state, network_error };

/// One row per modelled TLV (SMPP 3.4 section 5.3.2); the kind fixes the accepted length.
struct TlvField {
  std::uint16_t tag;
  std::string_view name;
  TlvKind kind;
  bool content;  ///< message text: logs show the length only
  std::optional<std::string> Tlvs::*text = nullptr;
  std::optional<std::uint8_t> Tlvs::*octet = nullptr;
  std::optional<std::uint16_t> Tlvs::*word = nullptr;
};

constexpr std::array kTlvFields{
    TlvField{tag::user_message_reference, "user_message_reference", TlvKind::u16, false, nullptr,
             nullptr, &Tlvs::user_message_reference},
    TlvField{tag::sar_msg_ref_num, "sar_msg_ref_num", TlvKind::u16, false, nullptr, nullptr,
             &Tlvs::sar_msg_ref_num},
    TlvField{tag::sar_total_segments, "sar_total_segments", TlvKind::u8, false, nullptr,
             &Tlvs::sar_total_segments},
    TlvField{tag::sar_segment_seqnum, "sar_segment_seqnum", TlvKind::u8, false, nullptr,
             &Tlvs::sar_segment_seqnum},
    TlvField{tag::sc_interface_version, "sc_interface_version", TlvKind::u8, false, nullptr,
             &Tlvs::sc_interface_version},
    TlvField{tag::receipted_message_id, "receipted_message_id", TlvKind::c_string, false,
             &Tlvs::receipted_message_id},
    TlvField{tag::message_state, "message_state", TlvKind::state, false},
    TlvField{tag::network_error_code, "network_error_code", TlvKind::network_error, false,
             &Tlvs::network_error_code},
    TlvField{tag::message_payload, "message_payload", TlvKind::bytes, true, &Tlvs::message_payload},
};

constexpr std::size_t kMaxTlvValue = 0xFFFF;
constexpr std::size_t kMaxReceiptedId = 65;  // including the NUL

const TlvField* find_field(std::uint16_t t) noexcept {
  for (const auto& f : kTlvFields) {
    if (f.tag == t) return &f;
  }
  return nullptr;
}

void put_tlv(detail::Writer& w, std::uint16_t t, std::string_view value) {
  if (value.size() > kMaxTlvValue) value = value.substr(0, kMaxTlvValue);
  w.put_u16(t);
  w.put_u16(static_cast<std::uint16_t>(value.size()));
  w.put_bytes(value);
}

bool length_fits(TlvKind kind, std::size_t len) noexcept {
  switch (kind) {
    case TlvKind::bytes: return true;
    case TlvKind::c_string: return len <= kMaxReceiptedId;
    case TlvKind::u8:
    case TlvKind::state: return len == 1;
    case TlvKind::u16: return len == 2;
    case TlvKind::network_error: return len == 3;
  }
  return false;
}

void store(const TlvField& f, std::span<const std::uint8_t> v, Tlvs& tlvs) {
  const std::string_view raw(reinterpret_cast<const char*>(v.data()), v.size());
  switch (f.kind) {
    case TlvKind::bytes:
    case TlvKind::network_error: tlvs.*f.text = std::string(raw); break;
    // Many SMSCs omit the NUL of receipted_message_id; C semantics (stop at the first
    // NUL) accept both forms and re-encode to the same value.
    case TlvKind::c_string: tlvs.*f.text = std::string(raw.substr(0, raw.find('\0'))); break;
    case TlvKind::u8: tlvs.*f.octet = v[0]; break;
    case TlvKind::state: tlvs.message_state = static_cast<MessageState>(v[0]); break;
    case TlvKind::u16: tlvs.*f.word = static_cast<std::uint16_t>((v[0] << 8) | v[1]); break;
  }
}

}  // namespace

void encode_tlvs(const Tlvs& tlvs, std::vector<std::uint8_t>& out) {
  detail::Writer w(out);
  for (const auto& f : kTlvFields) {
    switch (f.kind) {
      case TlvKind::bytes:
      case TlvKind::network_error:
        if (const auto& v = tlvs.*f.text) put_tlv(w, f.tag, *v);
        break;
      case TlvKind::c_string:
        if (const auto& v = tlvs.*f.text) {
          std::string_view s = *v;
          s = s.substr(0, s.find('\0'));
          if (s.size() > kMaxReceiptedId - 1) s = s.substr(0, kMaxReceiptedId - 1);
          w.put_u16(f.tag);
          w.put_u16(static_cast<std::uint16_t>(s.size() + 1));
          w.put_bytes(s);
          w.put_u8(0);
        }
        break;
      case TlvKind::u8:
        if (const auto& v = tlvs.*f.octet) put_tlv(w, f.tag, std::string(1, static_cast<char>(*v)));
        break;
      case TlvKind::state:
        if (tlvs.message_state) {
          put_tlv(w, f.tag, std::string(1, static_cast<char>(*tlvs.message_state)));
        }
        break;
      case TlvKind::u16:
        if (const auto& v = tlvs.*f.word) {
          w.put_u16(f.tag);
          w.put_u16(2);
          w.put_u16(*v);
        }
        break;
    }
  }
  for (const auto& t : tlvs.other) put_tlv(w, t.tag, t.value);
}

Expected<void, DecodeError> decode_tlvs(std::span<const std::uint8_t> bytes, Tlvs& tlvs) {
  detail::Reader r(bytes);
  while (!r.empty()) {
    std::uint16_t t = 0;
    std::uint16_t len = 0;
    if (!r.read_u16(t) || !r.read_u16(len)) {
      return unexpected(DecodeError{Status::invalid_command_length, 0, 0,
                                    "trailing octets after the mandatory fields are not a TLV"});
    }
    if (len > r.remaining()) {
      return unexpected(DecodeError{Status::invalid_optional_param_length, 0, 0,
                                    fmt::format("TLV 0x{:04x} length {} runs past the PDU", t, len)});
    }
    const auto value = r.rest().first(len);
    r.skip(len);
    const auto* f = find_field(t);
    if (f == nullptr) {
      tlvs.other.push_back(Tlv{t, std::string(reinterpret_cast<const char*>(value.data()), len)});
      continue;
    }
    const bool too_long_id =
        f->kind == TlvKind::c_string &&
        std::string_view(reinterpret_cast<const char*>(value.data()), len).find('\0') >=
            kMaxReceiptedId - 1;
    if (!length_fits(f->kind, len) || (too_long_id && len >= kMaxReceiptedId)) {
      return unexpected(DecodeError{Status::invalid_optional_param_length, 0, 0,
                                    fmt::format("TLV {} has length {}", f->name, len)});
    }
    store(*f, value, tlvs);
  }
  return {};
}

const char* tlv_name(std::uint16_t t) noexcept {
  const auto* f = find_field(t);
  return f == nullptr ? nullptr : f->name.data();
}

std::string to_string(const Tlvs& tlvs) {
  std::string s;
  auto add = [&s](std::string_view name, const std::string& v) {
    fmt::format_to(std::back_inserter(s), " {}={}", name, v);
  };
  if (tlvs.user_message_reference) add("user_message_reference", std::to_string(*tlvs.user_message_reference));
  if (tlvs.sar_msg_ref_num) add("sar_msg_ref_num", std::to_string(*tlvs.sar_msg_ref_num));
  if (tlvs.sar_total_segments) add("sar_total_segments", std::to_string(*tlvs.sar_total_segments));
  if (tlvs.sar_segment_seqnum) add("sar_segment_seqnum", std::to_string(*tlvs.sar_segment_seqnum));
  if (tlvs.sc_interface_version) {
    add("sc_interface_version", fmt::format("0x{:02x}", *tlvs.sc_interface_version));
  }
  if (tlvs.receipted_message_id) add("receipted_message_id", *tlvs.receipted_message_id);
  if (tlvs.message_state) add("message_state", std::to_string(static_cast<int>(*tlvs.message_state)));
  if (tlvs.network_error_code) {
    std::string hex;
    for (unsigned char c : *tlvs.network_error_code) fmt::format_to(std::back_inserter(hex), "{:02x}", c);
    add("network_error_code", hex);
  }
  if (tlvs.message_payload) add("message_payload", fmt::format("<{} octets>", tlvs.message_payload->size()));
  for (const auto& t : tlvs.other) {
    fmt::format_to(std::back_inserter(s), " tlv_0x{:04x}=<{} octets>", t.tag, t.value.size());
  }
  return s;
}

}  // namespace diskret::smpp

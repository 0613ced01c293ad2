#include "smpp/pdu_codec.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "smpp/detail/cursor.hpp"
#include "smpp/detail/field_table.hpp"
#include "smpp/tlv.hpp"

namespace diskret::smpp {
namespace {

using detail::Field;
using detail::FieldKind;
using detail::Reader;
using detail::Writer;

template <class S, class T>
void encode_fields(const T& body, std::span<const Field<S>> fields, Writer& w) {
  for (const auto& f : fields) {
    switch (f.kind) {
      case FieldKind::c_string: w.put_c_string(body.*f.text, f.max); break;
      case FieldKind::u8: w.put_u8(body.*f.octet); break;
      case FieldKind::short_message: {
        // Longer texts belong in message_payload; cutting keeps the PDU decodable.
        const std::string_view sm(body.*f.text);
        const auto n = std::min<std::size_t>(sm.size(), f.max);
        w.put_u8(static_cast<std::uint8_t>(n));
        w.put_bytes(sm.substr(0, n));
        break;
      }
    }
  }
}

template <class T>
void encode_body(const T& body, bool omit, Writer& w, std::vector<std::uint8_t>& out) {
  // SMPP 3.4 4.1.2/4.4.2: a response with a non-zero status carries no body. We only omit
  // it when there is nothing to say, so that a decoded PDU re-encodes to itself.
  if (omit && body == T{}) return;
  encode_fields(body, detail::fields_of<T>(), w);
  if constexpr (detail::kHasTlvs<T>) encode_tlvs(body.tlvs, out);
}

DecodeError error(Status status, std::string detail) {
  return DecodeError{status, 0, 0, std::move(detail)};
}

template <class S, class T>
Expected<void, DecodeError> decode_fields(T& body, std::span<const Field<S>> fields, Reader& r) {
  for (const auto& f : fields) {
    switch (f.kind) {
      case FieldKind::c_string:
        if (r.read_c_string(f.max, body.*f.text) == Reader::CString::ok) break;
        if (f.lenient_tail && r.remaining() > 0 && r.remaining() < f.max) {
          r.read_rest(body.*f.text);
          break;
        }
        return unexpected(error(f.status, fmt::format("{} is not terminated within {} octets",
                                                      f.name, f.max)));
      case FieldKind::u8:
        if (!r.read_u8(body.*f.octet)) {
          return unexpected(error(f.status, fmt::format("PDU ends before {}", f.name)));
        }
        break;
      case FieldKind::short_message: {
        std::uint8_t len = 0;
        if (!r.read_u8(len)) {
          return unexpected(error(Status::invalid_command_length, "PDU ends before sm_length"));
        }
        if (len > f.max || !r.read_bytes(len, body.*f.text)) {
          return unexpected(error(f.status, fmt::format("sm_length {} exceeds the PDU or {}",
                                                        len, f.max)));
        }
        break;
      }
    }
  }
  return {};
}

template <class T>
Expected<void, DecodeError> decode_body(T& body, bool response, Reader& r) {
  // Error responses (and sloppy peers' deliver_sm_resp) come without a body.
  if (response && r.empty()) return {};
  if (auto ok = decode_fields(body, detail::fields_of<T>(), r); !ok) return ok;
  if constexpr (detail::kHasTlvs<T>) {
    return decode_tlvs(r.rest(), body.tlvs);
  } else {
    // TLVs on a PDU that stores none (SMPP 5 peers) are checked for shape, then dropped.
    Tlvs ignored;
    return decode_tlvs(r.rest(), ignored);
  }
}

// Emplacing by index avoids building a temporary Body and moving it (a third of decode's
// time for a submit_sm when measured).
template <std::size_t... I>
constexpr auto make_emplacers(std::index_sequence<I...>) {
  return std::array<void (*)(Body&), sizeof...(I)>{+[](Body& b) { b.emplace<I>(); }...};
}
constexpr auto kEmplacers = make_emplacers(std::make_index_sequence<std::variant_size_v<Body>>{});

std::uint32_t load_u32(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

}  // namespace

void encode_to(const Pdu& pdu, std::vector<std::uint8_t>& out) {
  const auto id = command_id(pdu.body);
  const bool omit = is_response(id) && pdu.command_status != 0;
  Writer w(out);
  const auto start = w.size();
  w.put_u32(0);  // command_length, patched below
  w.put_u32(static_cast<std::uint32_t>(id));
  w.put_u32(pdu.command_status);
  w.put_u32(pdu.sequence_number);
  std::visit([&](const auto& body) { encode_body(body, omit, w, out); }, pdu.body);
  w.patch_u32(start, static_cast<std::uint32_t>(w.size() - start));
}

std::vector<std::uint8_t> encode(const Pdu& pdu) {
  std::vector<std::uint8_t> out;
  out.reserve(256);
  encode_to(pdu, out);
  return out;
}

namespace {

Expected<void, DecodeError> decode_into(std::span<const std::uint8_t> frame,
                                        std::size_t max_pdu_length, Pdu& pdu) {
  if (frame.size() < kHeaderLength) {
    return unexpected(DecodeError{Status::invalid_command_length,
                                  frame.size() >= 8 ? load_u32(frame, 4) : 0, 0,
                                  fmt::format("frame of {} octets is shorter than a header",
                                              frame.size())});
  }
  const auto length = load_u32(frame, 0);
  const auto id = load_u32(frame, 4);
  pdu.command_status = load_u32(frame, 8);
  pdu.sequence_number = load_u32(frame, 12);
  auto fail_with = [&](DecodeError e) {
    e.command_id = id;
    e.sequence_number = pdu.sequence_number;
    return unexpected(std::move(e));
  };
  if (length < kHeaderLength || length > max_pdu_length || length != frame.size()) {
    return fail_with(error(Status::invalid_command_length,
                           fmt::format("command_length {} for a frame of {} octets (max {})",
                                       length, frame.size(), max_pdu_length)));
  }
  const auto* found = std::find(detail::kCommandIds.begin(), detail::kCommandIds.end(),
                                static_cast<CommandId>(id));
  if (found == detail::kCommandIds.end()) {
    return fail_with(error(Status::invalid_command_id, fmt::format("command_id 0x{:08x}", id)));
  }
  kEmplacers[static_cast<std::size_t>(found - detail::kCommandIds.begin())](pdu.body);
  Reader r(frame.subspan(kHeaderLength));
  const bool response = is_response(static_cast<CommandId>(id));
  auto ok = std::visit([&](auto& body) { return decode_body(body, response, r); }, pdu.body);
  if (!ok) return fail_with(std::move(ok.error()));
  return {};
}

}  // namespace

Expected<Pdu, DecodeError> decode(std::span<const std::uint8_t> frame, std::size_t max_pdu_length) {
  Expected<Pdu, DecodeError> out;  // one named result, so that the Pdu is never moved
  if (auto ok = decode_into(frame, max_pdu_length, *out); !ok) out = unexpected(std::move(ok.error()));
  return out;
}

void PduFramer::feed(std::span<const std::uint8_t> bytes) {
  // Compact lazily: moving the unread tail only when it is cheap relative to what was read.
  if (offset_ == buffer_.size()) {
    buffer_.clear();
    offset_ = 0;
  } else if (offset_ > 4096 && offset_ * 2 > buffer_.size()) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
    offset_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

Expected<std::optional<std::vector<std::uint8_t>>, DecodeError> PduFramer::next() {
  const std::span<const std::uint8_t> pending(buffer_.data() + offset_, buffered());
  if (pending.size() < 4) return std::nullopt;
  const auto length = load_u32(pending, 0);
  if (length < kHeaderLength || length > max_) {
    // Reported before the rest arrives: a peer announcing 4 GB must not make us wait for it.
    return unexpected(DecodeError{Status::invalid_command_length,
                                  pending.size() >= 8 ? load_u32(pending, 4) : 0,
                                  pending.size() >= 16 ? load_u32(pending, 12) : 0,
                                  fmt::format("command_length {} (max {})", length, max_)});
  }
  if (pending.size() < length) return std::nullopt;
  std::vector<std::uint8_t> frame(pending.begin(), pending.begin() + length);
  offset_ += length;
  return frame;
}

namespace {

// Keeps enough of a number to tell routes apart in logs, never the whole subscriber.
std::string mask_address(std::string_view a) {
  if (a.size() < 8) return std::string(a.size(), '*');
  return fmt::format("{}{}{}", a.substr(0, 4), std::string(a.size() - 7, '*'), a.substr(a.size() - 3));
}

template <class S, class T>
void describe_fields(const T& body, std::span<const Field<S>> fields, std::string& s) {
  auto out = std::back_inserter(s);
  for (const auto& f : fields) {
    if (f.kind == FieldKind::u8) {
      fmt::format_to(out, " {}={}", f.name, body.*f.octet);
      continue;
    }
    const std::string& v = body.*f.text;
    switch (f.shown) {
      case detail::Shown::plain: fmt::format_to(out, " {}=\"{}\"", f.name, v); break;
      case detail::Shown::address: fmt::format_to(out, " {}={}", f.name, mask_address(v)); break;
      case detail::Shown::length_only: fmt::format_to(out, " {}=<{} octets>", f.name, v.size()); break;
      case detail::Shown::secret: fmt::format_to(out, " {}=***", f.name); break;
    }
  }
}

}  // namespace

std::string to_string(const Pdu& pdu) {
  const auto id = command_id(pdu.body);
  std::string s = fmt::format("{} seq={} status={}", command_name(id), pdu.sequence_number,
                              status_name(static_cast<Status>(pdu.command_status)));
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        describe_fields(body, detail::fields_of<T>(), s);
        if constexpr (detail::kHasTlvs<T>) s += to_string(body.tlvs);
      },
      pdu.body);
  return s;
}

}  // namespace diskret::smpp

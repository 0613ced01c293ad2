#pragma once
/// Pure SMPP 3.4 codec: PDU <-> bytes. No I/O, no clock, no logging.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "smpp/command_status.hpp"
#include "smpp/pdu.hpp"

namespace diskret::smpp {

inline constexpr std::size_t kHeaderLength = 16;
inline constexpr std::size_t kDefaultMaxPduLength = 64 * 1024;

/// Appends the encoded PDU to `out` (so that many PDUs can share one write).
void encode_to(const Pdu& pdu, std::vector<std::uint8_t>& out);
std::vector<std::uint8_t> encode(const Pdu& pdu);

/// Why a frame could not be decoded, with what the peer should be told.
struct DecodeError {
  Status status;                     ///< e.g. Status::invalid_command_length
  std::uint32_t command_id = 0;      ///< as read from the header (0 if not available)
  std::uint32_t sequence_number = 0; ///< for the generic_nack / error response
  std::string detail;
};

/// Decodes exactly one complete PDU (header included). Never reads past `frame`.
Expected<Pdu, DecodeError> decode(std::span<const std::uint8_t> frame,
                                  std::size_t max_pdu_length = kDefaultMaxPduLength);

/// One line for logs: command, sequence, status and every field by name. Addresses are
/// masked ("4915*****678"), short_message and message_payload appear as lengths only and
/// the bind password as "***".
std::string to_string(const Pdu& pdu);

/// Incremental framing over a byte stream: feed what arrived, take whole frames.
class PduFramer {
 public:
  explicit PduFramer(std::size_t max_pdu_length = kDefaultMaxPduLength) : max_(max_pdu_length) {}

  void feed(std::span<const std::uint8_t> bytes);
  /// The next complete frame, nullopt when more bytes are needed, or an error when the
  /// stream announced an impossible command_length (the connection must then be closed).
  Expected<std::optional<std::vector<std::uint8_t>>, DecodeError> next();
  std::size_t buffered() const noexcept { return buffer_.size() - offset_; }

 private:
  std::size_t max_;
  std::vector<std::uint8_t> buffer_;
  std::size_t offset_ = 0;
};

}  // namespace diskret::smpp

// libFuzzer target for the SMPP codec: framing, decoding, re-encoding and receipt parsing.
// Properties checked (a violation traps):
//   * decode never reads outside the frame (ASan) and never crashes;
//   * whatever decodes re-encodes to bytes that decode to the same Pdu, and encoding that
//     Pdu again gives the same bytes (the encoder's output is canonical);
//   * the framer only yields frames whose command_length matches their size.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "smpp/delivery_receipt.hpp"
#include "smpp/pdu_codec.hpp"

namespace {

using namespace diskret::smpp;

constexpr std::size_t kMax = 4096;

void check_frame(std::span<const std::uint8_t> frame) {
  auto pdu = decode(frame, kMax);
  if (!pdu) return;
  const auto bytes = encode(*pdu);
  auto again = decode(bytes, kMax + 0x10000);
  if (!again || !(*again == *pdu)) __builtin_trap();
  if (encode(*again) != bytes) __builtin_trap();
  (void)to_string(*pdu);
  if (const auto* dlr = std::get_if<DeliverSm>(&pdu->body)) {
    if (auto r = parse_receipt(*dlr)) {
      (void)receipt_id_candidates(r->id);
      auto made = make_receipt_pdu(*r, dlr->source_addr, dlr->destination_addr);
      if (auto back = parse_receipt(made); !back || back->state != r->state) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_frame(input);

  // The same bytes as a stream, cut in chunks whose size the first byte chooses.
  const std::size_t chunk = size > 0 ? data[0] % 17 + 1 : 1;
  PduFramer framer(kMax);
  for (std::size_t at = 0; at < size; at += chunk) {
    framer.feed(input.subspan(at, std::min(chunk, size - at)));
    for (;;) {
      auto frame = framer.next();
      if (!frame) return 0;  // a stream with an impossible length is closed
      if (!*frame) break;
      const auto& f = **frame;
      const std::uint32_t length = (std::uint32_t{f[0]} << 24) | (std::uint32_t{f[1]} << 16) |
                                   (std::uint32_t{f[2]} << 8) | f[3];
      if (length != f.size()) __builtin_trap();
      check_frame(f);
    }
  }
  return 0;
}

#include "smsc_sim/mo_injector.hpp"

#include <algorithm>

#include "sms/text.hpp"

namespace diskret::smsc_sim {

SmppAddress to_smpp_address(const std::string& written) {
  if (written.size() > 1 && written[0] == '+' &&
      std::all_of(written.begin() + 1, written.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {1, 1, written.substr(1)};
  }
  if (!written.empty() &&
      std::all_of(written.begin(), written.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // Short codes and national service numbers are not international.
    return {static_cast<std::uint8_t>(written.size() > 8 ? 1 : 0), 1, written};
  }
  return {5, 0, written};
}

Expected<std::vector<smpp::DeliverSm>> MoInjector::build(const MoMessage& mo) {
  if (mo.from.empty() || mo.to.empty()) {
    return fail(Errc::invalid_argument, "an MO needs from and to");
  }
  if (mo.from.size() > 20 || mo.to.size() > 20) {
    return fail(Errc::invalid_argument, "from/to are too long for SMPP addresses");
  }
  sms::EncodeOptions options;
  options.packing = sms::GsmPacking::unpacked;
  options.concatenation = sms::Concatenation::udh8;
  options.reference = static_cast<std::uint16_t>(next_reference_++ & 0xff);
  options.max_segments = 255;
  auto encoded = sms::encode(mo.text, options);
  if (!encoded) return unexpected(std::move(encoded.error()));

  const SmppAddress from = to_smpp_address(mo.from);
  const SmppAddress to = to_smpp_address(mo.to);
  std::vector<smpp::DeliverSm> parts;
  parts.reserve(encoded->parts.size());
  for (std::string& octets : encoded->parts) {
    smpp::DeliverSm pdu;
    pdu.source_addr_ton = from.ton;
    pdu.source_addr_npi = from.npi;
    pdu.source_addr = from.digits;
    pdu.dest_addr_ton = to.ton;
    pdu.dest_addr_npi = to.npi;
    pdu.destination_addr = to.digits;
    pdu.esm_class = encoded->udhi ? smpp::esm::udhi : 0;
    pdu.data_coding = encoded->data_coding;
    pdu.short_message = std::move(octets);
    parts.push_back(std::move(pdu));
  }
  return parts;
}

}  // namespace diskret::smsc_sim

#pragma once
/// MoInjector: turns an inbound (mobile-originated) text into the deliver_sm PDUs an SMSC
/// would send: GSM 03.38 unpacked (data_coding 0) when every character fits, otherwise
/// UCS-2 (data_coding 8); a long text is split into parts with an 8-bit concatenation UDH.
#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "smpp/pdu.hpp"

namespace diskret::smsc_sim {

struct MoMessage {
  std::string from;  ///< "+4915...", "4915..." or an alphanumeric sender
  std::string to;    ///< the service number or short code
  std::string text;  ///< UTF-8
};

/// TON/NPI for an address as written by a person: "+..." or a long digit string is
/// international (1/1, plus removed), a short digit string unknown/ISDN (0/1), anything
/// else alphanumeric (5/0).
struct SmppAddress {
  std::uint8_t ton = 0;
  std::uint8_t npi = 0;
  std::string digits;
};
SmppAddress to_smpp_address(const std::string& written);

class MoInjector {
 public:
  /// Fails on empty or invalid UTF-8 text, empty addresses, or more than 255 parts.
  Expected<std::vector<smpp::DeliverSm>> build(const MoMessage& mo);

 private:
  std::uint16_t next_reference_ = 0;
};

}  // namespace diskret::smsc_sim

#pragma once
/// Typed configuration of one carrier connection ([[smsc]] table of diskret.toml).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sms/text.hpp"

namespace diskret::carrier {

struct CarrierConfig {
  std::string name = "carrier-a";
  std::string host = "127.0.0.1";
  std::uint16_t port = 2775;
  std::string system_id = "diskret";
  std::string password = "secret";
  std::string system_type;
  unsigned binds = 1;                 ///< transceiver sessions
  unsigned window = 64;               ///< outstanding submit_sm per bind
  unsigned tps = 0;                   ///< per bind; 0 = unlimited
  std::vector<std::string> prefixes;  ///< E.164 prefixes ("+49", "+4915"); empty = all
  sms::GsmPacking gsm_packing = sms::GsmPacking::unpacked;
  sms::Concatenation long_messages = sms::Concatenation::udh8;
  std::vector<sms::NationalLanguage> national_languages;
  std::chrono::milliseconds enquire_link_interval{30'000};
  std::chrono::milliseconds response_timeout{10'000};
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30'000};
  std::chrono::milliseconds throttle_backoff{1'000};  ///< pause after ESME_RTHROTTLED/RMSGQFUL
  /// SMPP over TLS from the first byte (the carrier's TLS port). The carrier's certificate
  /// is checked against tls_ca_file (empty: the system trust store) and `host`.
  bool tls = false;
  std::string tls_ca_file;
  bool tls_verify = true;  ///< false: no chain or host name check (labs only; logged)
};

}  // namespace diskret::carrier

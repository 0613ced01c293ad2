#pragma once
/// What a TLS listener or client needs to know, free of Asio so that component configs
/// (SmppServer, HTTP, carriers) can carry it in light headers. See io/tls.hpp.
#include <string>

namespace diskret::io {

enum class TlsVersion { v1_2, v1_3 };

struct TlsServerFiles {
  std::string cert_file;  ///< PEM certificate chain, leaf first
  std::string key_file;   ///< PEM private key
  TlsVersion min_version = TlsVersion::v1_2;
  bool enabled() const { return !cert_file.empty() && !key_file.empty(); }
};

struct TlsClientOptions {
  std::string ca_file;  ///< PEM CA bundle; empty: the system's default trust store
  bool verify = true;   ///< check the chain and the host name (false only for tests/labs)
  TlsVersion min_version = TlsVersion::v1_2;
};

}  // namespace diskret::io

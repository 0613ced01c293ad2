#pragma once
/// TLS contexts for every listener and client of diskret, configured in one place:
/// TLS 1.2 or newer, forward-secret AEAD ciphers only (Mozilla "intermediate"), no
/// compression, no renegotiation. Servers load a PEM chain and key; clients verify the
/// peer against a CA file (or the system store) and its host name.
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/expected.hpp"
#include "io/tls_config.hpp"

namespace diskret::io {

/// A server context with the certificate and key loaded (and checked to match); the
/// error names the file that could not be used. `what` ("SMPP") prefixes the message.
Expected<void> configure_server(boost::asio::ssl::context& context, const TlsServerFiles& files,
                                const std::string& what);

/// A client context per `options`. The host name check (and SNI) is per connection: see
/// the carrier's BindLink.
Expected<void> configure_client(boost::asio::ssl::context& context, const TlsClientOptions& options,
                                const std::string& what);

}  // namespace diskret::io

#include "io/tls.hpp"

#include <openssl/ssl.h>

namespace diskret::io {
namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" TLS 1.2 list: ECDHE/DHE key exchange and AEAD ciphers only.
// TLS 1.3 suites are OpenSSL's defaults, which are all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

Expected<void> harden(ssl::context& context, TlsVersion min_version, const std::string& what) {
  SSL_CTX* ctx = context.native_handle();
  const int version = min_version == TlsVersion::v1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, version) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return fail(Errc::internal, what + ": OpenSSL refused the TLS protocol settings");
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
                               SSL_OP_NO_TLSv1_1);
  return {};
}

}  // namespace

Expected<void> configure_server(ssl::context& context, const TlsServerFiles& files,
                                const std::string& what) {
  if (files.cert_file.empty() || files.key_file.empty()) {
    return fail(Errc::invalid_argument, what + ": TLS needs both a certificate and a key file");
  }
  if (auto ok = harden(context, files.min_version, what); !ok) return ok;
  boost::system::error_code ec;
  context.use_certificate_chain_file(files.cert_file, ec);
  if (ec) {
    return fail(Errc::invalid_argument,
                what + ": cannot load the certificate " + files.cert_file + ": " + ec.message());
  }
  context.use_private_key_file(files.key_file, ssl::context::pem, ec);
  if (ec) {
    return fail(Errc::invalid_argument,
                what + ": cannot load the key " + files.key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return fail(Errc::invalid_argument, what + ": the key " + files.key_file +
                                            " does not belong to the certificate " +
                                            files.cert_file);
  }
  return {};
}

Expected<void> configure_client(ssl::context& context, const TlsClientOptions& options,
                                const std::string& what) {
  if (auto ok = harden(context, options.min_version, what); !ok) return ok;
  boost::system::error_code ec;
  if (!options.ca_file.empty()) {
    context.load_verify_file(options.ca_file, ec);
  } else {
    context.set_default_verify_paths(ec);
  }
  if (ec) {
    return fail(Errc::invalid_argument,
                what + ": cannot load the CA file " + options.ca_file + ": " + ec.message());
  }
  context.set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none);
  return {};
}

}  // namespace diskret::io

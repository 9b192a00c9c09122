#pragma once
// The OpenSSL server context behind the tls-port listeners, built once at startup from the
// tls-* options as Redis's tlsConfigure does: certificate chain and key (with an optional
// passphrase), CA file/directory for client certificates, tls-auth-clients, tls-protocols,
// ciphers, ciphersuites and server cipher preference.
#include <memory>
#include <string>

#include "server/config.h"

namespace asio::ssl {
class context;
}  // namespace asio::ssl

namespace kvd::net {

struct TlsContextResult {
  std::shared_ptr<asio::ssl::context> context;  // null when the options are unusable
  std::string error;                            // why not, with OpenSSL's reason
};

TlsContextResult MakeTlsContext(const ConfigValues& config);

}  // namespace kvd::net

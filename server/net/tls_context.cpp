#include "server/net/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <strings.h>

#include <algorithm>
#include <asio/ssl.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace kvd::net {
namespace {

constexpr char kSessionIdContext[] = "kvd";

// OpenSSL's first queued error as text ("error:80000002:system library::No such file or
// directory"), as Redis reports it; the queue is emptied.
std::string OpenSslError() {
  char buf[256] = "unknown error";
  if (unsigned long e = ERR_get_error(); e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

int PasswordCallback(char* buf, int size, int /*rwflag*/, void* userdata) {
  const auto* pass = static_cast<const std::string*>(userdata);
  if (pass == nullptr || size <= 0) return 0;
  int n = static_cast<int>(std::min<size_t>(pass->size(), static_cast<size_t>(size)));
  std::memcpy(buf, pass->data(), static_cast<size_t>(n));
  return n;
}

struct Protocols {
  bool tls10 = false, tls11 = false, tls12 = false, tls13 = false;
};

// "TLSv1.2 TLSv1.3" (any case, any order); "" is Redis's default, TLSv1.2 and TLSv1.3.
bool ParseProtocols(const std::string& text, Protocols& out) {
  std::istringstream in(text);
  std::string word;
  bool any = false;
  while (in >> word) {
    any = true;
    if (strcasecmp(word.c_str(), "TLSv1") == 0) {
      out.tls10 = true;
    } else if (strcasecmp(word.c_str(), "TLSv1.1") == 0) {
      out.tls11 = true;
    } else if (strcasecmp(word.c_str(), "TLSv1.2") == 0) {
      out.tls12 = true;
    } else if (strcasecmp(word.c_str(), "TLSv1.3") == 0) {
      out.tls13 = true;
    } else {
      return false;
    }
  }
  if (!any) out.tls12 = out.tls13 = true;
  return true;
}

// Configures `ctx`; returns "" or the reason it cannot be used.
// tls-dh-params-file: Diffie-Hellman parameters (PEM) for the DHE ciphers of TLS 1.2.
std::string LoadDhParams(SSL_CTX* ctx, const std::string& path) {
  BIO* bio = BIO_new_file(path.c_str(), "r");
  if (!bio) return "Failed to load " + path + ": " + std::strerror(errno);
  EVP_PKEY* params = PEM_read_bio_Parameters(bio, nullptr);
  BIO_free(bio);
  if (!params) return path + ": failed to read DH params: " + OpenSslError();
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, params) <= 0) {  // takes `params` on success
    EVP_PKEY_free(params);
    return "Failed to load DH params file: " + path + ": " + OpenSslError();
  }
  return "";
}

std::string Configure(SSL_CTX* ctx, const ConfigValues& cfg) {
  if (cfg.tls_cert_file.empty()) return "No tls-cert-file configured!";
  if (cfg.tls_key_file.empty()) return "No tls-key-file configured!";
  const bool verify_clients = cfg.tls_auth_clients != "no";
  if (verify_clients && cfg.tls_ca_cert_file.empty() && cfg.tls_ca_cert_dir.empty()) {
    return "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when "
           "tls-auth-clients is enabled!";
  }
  Protocols protocols;
  if (!ParseProtocols(cfg.tls_protocols, protocols)) {
    return "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', "
           "'TLSv1.2' and 'TLSv1.3'.";
  }

  uint64_t options = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION |
                     SSL_OP_SINGLE_DH_USE | SSL_OP_SINGLE_ECDH_USE;
#ifdef SSL_OP_NO_CLIENT_RENEGOTIATION
  options |= SSL_OP_NO_CLIENT_RENEGOTIATION;
#endif
  if (!protocols.tls10) options |= SSL_OP_NO_TLSv1;
  if (!protocols.tls11) options |= SSL_OP_NO_TLSv1_1;
  if (!protocols.tls12) options |= SSL_OP_NO_TLSv1_2;
  if (!protocols.tls13) options |= SSL_OP_NO_TLSv1_3;
  if (cfg.tls_prefer_server_ciphers) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(ctx, options);
  // asio sets TLSv1 as the lowest version; the options above choose the versions instead.
  SSL_CTX_set_min_proto_version(ctx, 0);
  SSL_CTX_set_max_proto_version(ctx, 0);

  // tls-session-caching: resumed sessions skip the client-certificate check; they need a
  // session id context.
  if (cfg.tls_session_caching) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, cfg.tls_session_cache_size);
    SSL_CTX_set_timeout(ctx, cfg.tls_session_cache_timeout);
    SSL_CTX_set_session_id_context(ctx, reinterpret_cast<const unsigned char*>(kSessionIdContext),
                                   sizeof kSessionIdContext - 1);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  }
  if (!cfg.tls_dh_params_file.empty()) {
    if (std::string err = LoadDhParams(ctx, cfg.tls_dh_params_file); !err.empty()) return err;
  }

  // The passphrase is needed only while the key is read.
  SSL_CTX_set_default_passwd_cb(ctx, PasswordCallback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&cfg.tls_key_file_pass));
  std::string err;
  if (SSL_CTX_use_certificate_chain_file(ctx, cfg.tls_cert_file.c_str()) <= 0) {
    err = "Failed to load certificate: " + cfg.tls_cert_file + ": " + OpenSslError();
  } else if (SSL_CTX_use_PrivateKey_file(ctx, cfg.tls_key_file.c_str(), SSL_FILETYPE_PEM) <= 0) {
    err = "Failed to load private key: " + cfg.tls_key_file + ": " + OpenSslError();
  } else if (SSL_CTX_check_private_key(ctx) <= 0) {
    err = "Private key does not match the certificate: " + cfg.tls_key_file + ": " + OpenSslError();
  }
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  SSL_CTX_set_default_passwd_cb(ctx, nullptr);
  if (!err.empty()) return err;

  if (!cfg.tls_ca_cert_file.empty() || !cfg.tls_ca_cert_dir.empty()) {
    const char* file = cfg.tls_ca_cert_file.empty() ? nullptr : cfg.tls_ca_cert_file.c_str();
    const char* dir = cfg.tls_ca_cert_dir.empty() ? nullptr : cfg.tls_ca_cert_dir.c_str();
    if (SSL_CTX_load_verify_locations(ctx, file, dir) <= 0) {
      return "Failed to configure CA certificate(s) file/directory: " + OpenSslError();
    }
  }
  if (!cfg.tls_ciphers.empty() && SSL_CTX_set_cipher_list(ctx, cfg.tls_ciphers.c_str()) <= 0) {
    return "Failed to configure ciphers: " + cfg.tls_ciphers + ": " + OpenSslError();
  }
  if (!cfg.tls_ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx, cfg.tls_ciphersuites.c_str()) <= 0) {
    return "Failed to configure ciphersuites: " + cfg.tls_ciphersuites + ": " + OpenSslError();
  }

  // yes: a certificate signed by the CA is required; optional: checked when one is sent.
  int mode = SSL_VERIFY_NONE;
  if (cfg.tls_auth_clients == "yes") mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  if (cfg.tls_auth_clients == "optional") mode = SSL_VERIFY_PEER;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  return "";
}

}  // namespace

TlsContextResult MakeTlsContext(const ConfigValues& config) {
  TlsContextResult result;
  ERR_clear_error();
  std::shared_ptr<asio::ssl::context> ctx;
  try {
    ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  } catch (const std::exception& e) {
    result.error = std::string("Failed to create the TLS context: ") + e.what();
    return result;
  }
  result.error = Configure(ctx->native_handle(), config);
  if (!result.error.empty()) return result;
  result.context = std::move(ctx);
  return result;
}

}  // namespace kvd::net

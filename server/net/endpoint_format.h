#pragma once
// Redis's anetFormatAddr for a TCP endpoint: "1.2.3.4:5", "[::1]:5" (CLIENT LIST addr/laddr,
// for clients and for the link to a master alike).
#include <string>

#include <asio.hpp>

namespace kvd::net {

inline std::string FormatTcpEndpoint(const asio::ip::tcp::endpoint& ep) {
  std::string ip = ep.address().to_string();
  if (ep.address().is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(ep.port());
}

}  // namespace kvd::net

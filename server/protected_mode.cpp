#include "server/protected_mode.h"

#include "server/acl/acl.h"
#include "server/acl/acl_user.h"
#include "server/client_state.h"
#include "server/server_state.h"

namespace kvd {

bool IsLoopbackAddress(std::string_view ip) {
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);
  return ip.starts_with("127.") || ip == "::1";
}

bool IsLocalClient(const ClientState& client) {
  std::string_view ip = client.addr;
  if (ip.starts_with('/')) return true;  // "/unixsocket:0"
  const size_t colon = ip.rfind(':');
  if (colon == std::string_view::npos) return false;
  ip = ip.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return IsLoopbackAddress(ip);
}

bool ProtectedActionAllowed(std::string_view setting, const ClientState& client) {
  return setting == "yes" || (setting == "local" && IsLocalClient(client));
}

bool ProtectedModeRefuses(const ServerState& server, std::string_view ip) {
  if (!server.config.values().protected_mode) return false;
  // Redis's condition: the default user is nopass (requirepass and ACL SETUSER default >pw
  // both clear it).
  if (!server.acl->default_user()->nopass()) return false;
  return !IsLoopbackAddress(ip);
}

}  // namespace kvd

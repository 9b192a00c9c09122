#pragma once
// Protected mode, as Redis 7: while `protected-mode` is on and the default user needs no
// password, only clients on the loopback interface get in; the others are told why, with
// Redis's explanatory -DENIED error, and disconnected.
#include <string_view>

namespace kvd {

class ServerState;
struct ClientState;

// Redis's error for a refused client.
inline constexpr std::string_view kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from "
    "the loopback interface. If you want to connect from external computers to Redis you may "
    "adopt one of the following solutions: 1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from "
    "the same host the server is running, however MAKE SURE Redis is not publicly accessible "
    "from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
    "Alternatively you can just disable the protected mode by editing the Redis configuration "
    "file, and setting the protected mode option to 'no', and then restarting the server. 3) "
    "If you started the server manually just for testing, restart it with the "
    "'--protected-mode no' option. 4) Set up an authentication password for the default "
    "user. NOTE: You only need to do one of the above things in order for the server to start "
    "accepting connections from the outside.\r\n";

// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback ("::ffff:127.0.0.1"), given as the
// address text of a client ("127.0.0.1", "::1", without port).
bool IsLoopbackAddress(std::string_view ip);

// Redis's islocalClient: a Unix socket's client, or one whose address ("127.0.0.1:5000",
// "[::1]:5000") is loopback.
bool IsLocalClient(const ClientState& client);

// Redis's allowProtectedAction: an enable-*-command or enable-protected-configs setting
// ("yes", "no" or "local") allows the client's action.
bool ProtectedActionAllowed(std::string_view setting, const ClientState& client);

inline constexpr std::string_view kDebugCommandNotAllowedErr =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";

inline constexpr std::string_view kModuleCommandNotAllowedErr =
    "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", "
    "you can run it from a local connection, otherwise you need to set this option in the "
    "configuration file, and then restart the server.";

// Whether a client from `ip` is refused now. Store strand.
bool ProtectedModeRefuses(const ServerState& server, std::string_view ip);

}  // namespace kvd

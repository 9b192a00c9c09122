#include "server/supervision.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace kvd {
namespace {

// One datagram to $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace), as
// sd_notify sends it; false when it could not be sent.
bool NotifySystemd(std::string_view state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || !*path) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t len = std::strlen(path);
  if (len >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, path, len);
  if (path[0] == '@') addr.sun_path[0] = '\0';
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  const bool sent =
      sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr),
             addr_len) == static_cast<ssize_t>(state.size());
  close(fd);
  if (!sent) spdlog::warn("Could not notify systemd through NOTIFY_SOCKET={}", path);
  return sent;
}

bool HasEnv(const char* name) {
  const char* v = std::getenv(name);
  return v && *v;
}

}  // namespace

Supervisor FindSupervisor(std::string_view mode, std::string* warning) {
  const bool systemd = HasEnv("NOTIFY_SOCKET");
  const bool upstart = HasEnv("UPSTART_JOB");
  if (mode == "systemd") {
    if (systemd) return Supervisor::kSystemd;
    if (warning) {
      *warning = "systemd supervision requested, but NOTIFY_SOCKET is not set: not supervised";
    }
  } else if (mode == "upstart") {
    if (upstart) return Supervisor::kUpstart;
    if (warning) *warning = "upstart supervision requested, but UPSTART_JOB is not set";
  } else if (mode == "auto") {
    if (upstart) return Supervisor::kUpstart;
    if (systemd) return Supervisor::kSystemd;
  }
  return Supervisor::kNone;
}

std::string Daemonize() {
  const pid_t pid = fork();
  if (pid < 0) return std::string("Could not fork into the background: ") + std::strerror(errno);
  if (pid > 0) std::_Exit(0);
  setsid();
  const int fd = open("/dev/null", O_RDWR);
  if (fd < 0) return "";
  dup2(fd, STDIN_FILENO);
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  if (fd > STDERR_FILENO) close(fd);
  return "";
}

void NotifyReady(Supervisor supervisor) {
  if (supervisor == Supervisor::kSystemd) {
    NotifySystemd("STATUS=Ready to accept connections\nREADY=1\n");
  } else if (supervisor == Supervisor::kUpstart) {
    // Upstart's "expect stop": it resumes the process once it sees it stop.
    raise(SIGSTOP);
    unsetenv("UPSTART_JOB");
  }
}

void NotifyStopping(Supervisor supervisor) {
  if (supervisor == Supervisor::kSystemd) NotifySystemd("STOPPING=1\n");
}

}  // namespace kvd

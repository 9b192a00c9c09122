#pragma once
// Process management as redis-server does it: `daemonize yes` forks into the background,
// and `supervised systemd|upstart|auto` tells the service manager when kvd is ready and
// when it stops (systemd's Type=notify protocol, upstart's SIGSTOP).
#include <string>
#include <string_view>

namespace kvd {

enum class Supervisor { kNone, kSystemd, kUpstart };

// The supervisor that `mode` (the supervised parameter) names and the environment confirms
// (NOTIFY_SOCKET for systemd, UPSTART_JOB for upstart; auto looks for either). kNone, with
// `warning` set when given, when the named one did not start kvd.
Supervisor FindSupervisor(std::string_view mode, std::string* warning = nullptr);

// Forks: the parent exits 0 at once; the child goes on in a new session, its standard
// input, output and error on /dev/null (Redis's daemonize). Call before any thread starts.
// Returns "" (in the child) or why it could not fork.
std::string Daemonize();

// "Ready to accept connections": systemd gets READY=1, upstart a SIGSTOP (it resumes kvd).
void NotifyReady(Supervisor supervisor);
// Shutting down: systemd gets STOPPING=1.
void NotifyStopping(Supervisor supervisor);

}  // namespace kvd

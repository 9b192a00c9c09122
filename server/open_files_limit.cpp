#include "server/open_files_limit.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kvd {

int AdjustOpenFilesLimit(int maxclients) {
  const rlim_t wanted = static_cast<rlim_t>(maxclients) + kReservedFds;
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) == -1) {
    spdlog::warn(
        "Unable to obtain the current NOFILE limit ({}), assuming 1024 and setting the max "
        "clients configuration accordingly.",
        std::strerror(errno));
    return std::min(maxclients, 1024 - kReservedFds);
  }
  const rlim_t old = limit.rlim_cur;
  if (old >= wanted) return maxclients;

  int error = 0;
  auto try_limit = [&](rlim_t n) {
    struct rlimit attempt = limit;
    attempt.rlim_cur = n;
    attempt.rlim_max = std::max(limit.rlim_max, n);
    if (setrlimit(RLIMIT_NOFILE, &attempt) == 0) return true;
    attempt.rlim_max = limit.rlim_max;  // without privileges: within the hard limit only
    if (n <= limit.rlim_max && setrlimit(RLIMIT_NOFILE, &attempt) == 0) return true;
    error = errno;
    return false;
  };
  // What is wanted, else the most the system agrees to: a bisection (Redis steps down by 16,
  // which takes minutes from a maxclients of a billion), ending with the limit set to it.
  rlim_t best = wanted;
  if (!try_limit(wanted)) {
    rlim_t refused = wanted;
    best = old;
    while (refused - best > 1) {
      const rlim_t mid = best + (refused - best) / 2;
      if (try_limit(mid)) {
        best = mid;
      } else {
        refused = mid;
      }
    }
  }
  if (best >= wanted) {
    spdlog::info("Increased maximum number of open files to {} (it was originally set to {}).",
                 static_cast<unsigned long long>(wanted), static_cast<unsigned long long>(old));
    return maxclients;
  }
  if (best <= static_cast<rlim_t>(kReservedFds)) {
    spdlog::warn(
        "Your current 'ulimit -n' of {} is not enough for the server to start. Please "
        "increase your open file limit to at least {}. Exiting.",
        static_cast<unsigned long long>(old), static_cast<unsigned long long>(wanted));
    return 0;
  }
  const int reduced = static_cast<int>(best) - kReservedFds;
  spdlog::warn("You requested maxclients of {} requiring at least {} max file descriptors.",
               maxclients, static_cast<unsigned long long>(wanted));
  spdlog::warn("Server can't set maximum open files to {} because of OS error: {}.",
               static_cast<unsigned long long>(wanted), std::strerror(error));
  spdlog::warn(
      "Current maximum open files is {}. maxclients has been reduced to {} to compensate for "
      "low ulimit. If you need higher maxclients increase 'ulimit -n'.",
      static_cast<unsigned long long>(best), reduced);
  return reduced;
}

}  // namespace kvd

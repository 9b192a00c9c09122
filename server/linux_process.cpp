#include "server/linux_process.h"

#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

namespace kvd {
namespace {

constexpr const char* kOomScoreAdjPath = "/proc/self/oom_score_adj";

std::optional<int> ReadOomScoreAdj() {
  std::ifstream in(kOomScoreAdjPath);
  int score = 0;
  if (!(in >> score)) return std::nullopt;
  return score;
}

// The score before kvd first changed it: the base of "relative", restored by "no".
std::optional<int> base_score;

}  // namespace

std::string ApplyThpSetting(const ConfigValues& v) {
  if (!v.disable_thp) return "";
  if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) {
    return std::string("Could not turn transparent huge pages off: ") + std::strerror(errno);
  }
  return "";
}

std::string ApplyOomScoreAdj(const ConfigValues& v) {
  int score;
  if (v.oom_score_adj == "no") {
    if (!base_score) return "";  // never changed: nothing to put back
    score = *base_score;
  } else {
    if (!base_score) {
      base_score = ReadOomScoreAdj();
      if (!base_score) return "Unable to read oom_score_adj: " + std::string(std::strerror(errno));
    }
    score = v.oom_score_adj_values[0];
    if (v.oom_score_adj != "absolute") score += *base_score;  // yes, relative
    score = std::clamp(score, -1000, 1000);
  }
  std::ofstream out(kOomScoreAdjPath);
  if (!(out << score) || !out.flush()) {
    return "Unable to write oom_score_adj: " + std::string(std::strerror(errno));
  }
  return "";
}

}  // namespace kvd

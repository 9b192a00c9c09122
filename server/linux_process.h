#pragma once
// Linux settings of the kvd process itself, as redis-server makes them: transparent huge
// pages off (disable-thp; a huge page turns each small write after a fork or a free into a
// 2 MB copy or a hole that is never returned), and the OOM killer's score (oom-score-adj,
// oom-score-adj-values).
#include <string>

#include "server/config.h"

namespace kvd {

// At start: turns transparent huge pages off for the process when disable-thp is yes.
// Returns "" or why it could not.
std::string ApplyThpSetting(const ConfigValues& v);

// At start and on CONFIG SET: writes /proc/self/oom_score_adj from oom-score-adj and the
// first of oom-score-adj-values (clamped to -1000..1000); with "no", puts back the score
// kvd started with if it had changed it. Returns "" or why it could not.
std::string ApplyOomScoreAdj(const ConfigValues& v);

}  // namespace kvd

#include "server/config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "core/text.h"
#include "protocol/resp_parser.h"
#include "server/config_params.h"

namespace kvd {

using Values = std::span<const std::string_view>;

namespace {

// The parameter an alias stands for (or `p` itself).
const Config::Param* Main(const Config::Param* p) { return p->alias_of ? p->alias_of : p; }

}  // namespace

Config::Config() : params_(ConfigParams()) {
  std::string err;
  std::string dir = ResolveDir(values_.dir, &err);
  if (err.empty()) values_.dir = dir;
}

Config::~Config() = default;

Config::Param* Config::FindParam(std::string_view name) const {
  for (const auto& p : params_) {
    if (EqualsIgnoreCase(p->name, name)) return p.get();
  }
  return nullptr;
}

std::string Config::Apply(std::string_view name, Values values, bool append) {
  Param* p = FindParam(name);
  // A Redis directive for what kvd cannot do at all gets its reason, not a puzzle.
  if (!p && EqualsIgnoreCase(name, "loadmodule")) {
    return "kvd does not load Redis modules (MODULE LIST is always empty)";
  }
  if (!p) return std::string(kBadDirective);
  if (p->multi ? values.empty() : values.size() != 1) return std::string(kBadDirective);
  return p->set(values_, values, append);
}

std::string Config::ApplyStartup(std::string_view name, Values values) {
  std::string err = Apply(name, values, false);
  if (err.empty()) return "";
  // Appended piece by piece: GCC 12 flags `"'" + std::string&&` with a false -Wrestrict.
  std::string message = "Bad config option '";
  message += ToLower(name);
  for (std::string_view v : values) {
    message += " ";
    message.append(v);
  }
  message += "': ";
  message += err;
  return message;
}

std::string Config::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return "Fatal error, can't open config file '" + path + "': " + std::strerror(errno);
  }
  char* real = realpath(path.c_str(), nullptr);
  config_file_ = real ? real : path;
  std::free(real);

  std::string line;
  int line_no = 0;
  bool save_seen = false;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view s = line;
    while (!s.empty() && std::strchr(" \t\r\n", s.front())) s.remove_prefix(1);
    while (!s.empty() && std::strchr(" \t\r\n", s.back())) s.remove_suffix(1);
    if (s.empty() || s.front() == '#') continue;

    std::vector<std::string_view> args;
    ArgStorage storage;
    std::string err;
    if (!SplitInlineArgs(s, args, storage)) {
      err = "Unbalanced quotes in configuration line";
    } else if (!args.empty()) {
      // Repeated save lines add rules; the first one replaces the defaults (as Redis).
      bool is_save = EqualsIgnoreCase(args[0], "save");
      err = Apply(args[0], Values(args).subspan(1), is_save && save_seen);
      if (is_save) save_seen = true;
    }
    if (!err.empty()) {
      return "\n*** FATAL CONFIG FILE ERROR (kvd " KVD_VERSION ") ***\n"
             "Reading the configuration file " + config_file_ + ", at line " +
             std::to_string(line_no) + "\n>>> '" + std::string(s) + "'\n" + err;
    }
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> Config::Get(Values patterns) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : params_) {
    if (!p->get) continue;  // write-only directives (user)
    for (std::string_view pattern : patterns) {
      if (GlobMatch(pattern, p->name, /*nocase=*/true)) {
        out.emplace_back(std::string(p->name), p->get(values_));
        break;
      }
    }
  }
  return out;
}

std::string Config::Set(Values pairs, bool local_client) {
  const std::string_view protected_allowed = values_.enable_protected_configs;
  if (pairs.empty() || pairs.size() % 2 != 0) return "ERR syntax error";
  // As Redis's configSetCommand: unknown names first, then immutable or repeated ones, then
  // the values; nothing changes unless every pair is valid.
  for (size_t i = 0; i < pairs.size(); i += 2) {
    if (!FindParam(pairs[i])) {
      return "ERR Unknown option or number of arguments for CONFIG SET - '" +
             std::string(pairs[i]) + "'";
    }
  }
  std::vector<Param*> chosen;
  for (size_t i = 0; i < pairs.size(); i += 2) {
    Param* p = FindParam(pairs[i]);
    std::string reason;
    if (!p->runtime) reason = "can't set immutable config";
    else if (p->is_protected && protected_allowed != "yes" &&
             !(protected_allowed == "local" && local_client)) {
      reason = "can't set protected config";
    }
    for (Param* q : chosen) {
      if (Main(q) == Main(p) && reason.empty()) reason = "duplicate parameter";
    }
    if (!reason.empty()) {
      return "ERR CONFIG SET failed (possibly related to argument '" + std::string(pairs[i]) +
             "') - " + reason;
    }
    chosen.push_back(p);
  }
  ConfigValues next = values_;
  for (size_t i = 0; i < chosen.size(); ++i) {
    std::string_view value = pairs[2 * i + 1];
    std::vector<std::string_view> words;
    if (chosen[i]->multi) {
      words = SplitWords(value);
      if (words.empty()) words.push_back("");
    } else {
      words.push_back(value);
    }
    if (std::string reason = chosen[i]->set(next, words, false); !reason.empty()) {
      return "ERR CONFIG SET failed (possibly related to argument '" +
             std::string(chosen[i]->name) + "') - " + reason;
    }
  }
  for (Param* p : chosen) {
    if (!p->apply) continue;
    if (std::string reason = p->apply(next); !reason.empty()) {
      return "ERR CONFIG SET failed (possibly related to argument '" + std::string(p->name) +
             "') - " + reason;
    }
  }
  values_ = std::move(next);
  for (Param* p : chosen) {
    for (const auto& fn : on_change_) fn(Main(p)->name);
  }
  return "";
}

std::vector<std::string> Config::IneffectiveSettings() const {
  return RedisOnlySettings(values_);
}

void Config::OnChange(std::function<void(std::string_view name)> fn) {
  on_change_.push_back(std::move(fn));
}

}  // namespace kvd

#include "server/aof/aof_manifest.h"

#include <cctype>
#include <cstdlib>

#include "core/text.h"
#include "protocol/resp_parser.h"

namespace kvd {
namespace {

// Redis's MANIFEST_MAX_LINE: a longer line is an error.
constexpr size_t kMaxLine = 1024;

// Redis's sdsneedsrepr: a name with spaces, quotes, backslashes or unprintable bytes is
// written quoted, so that sdssplitargs reads it back whole. Unlike Redis, a single quote
// counts too: unquoted, it opens a quoted run when read back, and the manifest would not
// load ("file it's.aof ...").
bool NeedsRepr(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '\\' || c == '"' || c == '\'' || c == '\n' || c == '\r' || c == '\t' || c == '\a' ||
        c == '\b' || !std::isprint(c) || std::isspace(c)) {
      return true;
    }
  }
  return false;
}

void AppendLine(std::string& out, const AofFileInfo& f) {
  out += "file ";
  if (NeedsRepr(f.name)) {
    AppendRepr(out, f.name);
  } else {
    out += f.name;
  }
  out += " seq ";
  out += std::to_string(f.seq);
  out += " type ";
  out += static_cast<char>(f.type);
  out += '\n';
}

bool IsBaseName(std::string_view name) {
  return name.find('/') == std::string_view::npos && name.find('\\') == std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

}  // namespace

const std::string& AofManifest::NewBase(std::string_view appendfilename, bool rdb) {
  if (base) {
    base->type = AofFileInfo::Type::kHistory;
    history.insert(history.begin(), *base);
  }
  ++base_seq;
  base = AofFileInfo{std::string(appendfilename) + "." + std::to_string(base_seq) + ".base" +
                         (rdb ? ".rdb" : ".aof"),
                     base_seq, AofFileInfo::Type::kBase};
  return base->name;
}

const std::string& AofManifest::NewIncr(std::string_view appendfilename) {
  ++incr_seq;
  incr.push_back({std::string(appendfilename) + "." + std::to_string(incr_seq) + ".incr.aof",
                  incr_seq, AofFileInfo::Type::kIncr});
  return incr.back().name;
}

void AofManifest::MoveIncrToHistory(size_t keep) {
  if (incr.size() <= keep) return;
  const size_t moved = incr.size() - keep;
  for (size_t i = 0; i < moved; ++i) incr[i].type = AofFileInfo::Type::kHistory;
  history.insert(history.begin(), incr.begin(), incr.begin() + static_cast<ptrdiff_t>(moved));
  incr.erase(incr.begin(), incr.begin() + static_cast<ptrdiff_t>(moved));
}

std::string AofManifestName(std::string_view appendfilename) {
  return std::string(appendfilename) + ".manifest";
}

std::string AofTempManifestName(std::string_view appendfilename) {
  return "temp-" + std::string(appendfilename) + ".manifest";
}

std::string AofTempIncrName(std::string_view appendfilename) {
  return "temp-" + std::string(appendfilename) + ".incr";
}

std::string FormatAofManifest(const AofManifest& m) {
  std::string out;
  if (m.base) AppendLine(out, *m.base);
  for (const AofFileInfo& f : m.history) AppendLine(out, f);
  for (const AofFileInfo& f : m.incr) AppendLine(out, f);
  return out;
}

AofManifestParse ParseAofManifest(std::string_view text) {
  AofManifest m;
  int64_t max_incr_seq = 0;
  int line_no = 0;
  auto fail = [&](std::string_view why, std::string_view line) {
    AofManifestParse r;
    r.error = std::string(why);
    if (line_no > 0) {
      r.error += " (line " + std::to_string(line_no) + ": '" + std::string(line) + "')";
    }
    return r;
  };
  if (text.empty()) return fail("Found an empty AOF manifest", {});
  while (!text.empty()) {
    ++line_no;
    const size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(raw.size());
    if (raw[0] == '#') continue;  // a comment (Redis skips it whatever its length)
    // As Redis's fgets loop: every line must end within MANIFEST_MAX_LINE bytes.
    if (nl == std::string_view::npos || raw.size() > kMaxLine) {
      return fail("The AOF manifest file contains too long line", raw.substr(0, 64));
    }
    std::string_view line = Trim(raw);
    if (line.empty()) return fail("Invalid AOF manifest file format", line);

    std::vector<std::string_view> args;
    ArgStorage storage;
    // 'argc < 6' (not != 6): later versions may add keys.
    if (!SplitInlineArgs(line, args, storage) || args.size() < 6 || args.size() % 2 != 0) {
      return fail("Invalid AOF manifest file format", line);
    }
    AofFileInfo info;
    char type = 0;
    bool have_name = false;
    for (size_t i = 0; i < args.size(); i += 2) {
      if (EqualsIgnoreCase(args[i], "file")) {
        info.name = std::string(args[i + 1]);
        have_name = true;
        if (!IsBaseName(info.name)) return fail("File can't be a path, just a filename", line);
      } else if (EqualsIgnoreCase(args[i], "seq")) {
        info.seq = std::atoll(std::string(args[i + 1]).c_str());
      } else if (EqualsIgnoreCase(args[i], "type")) {
        type = args[i + 1].empty() ? 0 : args[i + 1][0];
      }
    }
    if (!have_name || info.name.empty() || info.seq == 0 || type == 0) {
      return fail("Invalid AOF manifest file format", line);
    }
    if (type == 'b') {
      if (m.base) return fail("Found duplicate base file information", line);
      info.type = AofFileInfo::Type::kBase;
      m.base = info;
      m.base_seq = info.seq;
    } else if (type == 'h') {
      info.type = AofFileInfo::Type::kHistory;
      m.history.push_back(info);
    } else if (type == 'i') {
      if (info.seq <= max_incr_seq) return fail("Found a non-monotonic sequence number", line);
      info.type = AofFileInfo::Type::kIncr;
      m.incr.push_back(info);
      m.incr_seq = max_incr_seq = info.seq;
    } else {
      return fail("Unknown AOF file type", line);
    }
  }
  AofManifestParse r;
  r.manifest = std::move(m);
  return r;
}

}  // namespace kvd

// libFuzzer target: the append-only file's manifest parser, record reader and loader, on
// arbitrary bytes, replaying commands through the real dispatcher and command table.
//
// Input: a manifest and the files it names, separated by kSeparator lines:
//
//   file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n
//   ----kvd-fuzz-file----\n<the base: RDB or commands>
//   ----kvd-fuzz-file----\n<the first incr file>...
//
// The parts after the manifest are written, in load order (base first), to the names the
// manifest gives, in a private temp directory; a file without a part is missing. Input
// without a separator is one incr file of commands. Loading may fail (with an error) but must
// never crash, leak or hang. The manifest parser also has to read back what it formats, and
// the data a load builds has to save as an RDB file that loads back.
//
// Commands that act on the server rather than the data (admin commands: SHUTDOWN, CONFIG,
// SAVE...) and scripts (a Lua loop runs forever by design) are left out of the table: an AOF
// holds data commands, and those do what they are told.
#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/rdb_reader.h"
#include "core/rdb_writer.h"
#include "core/store.h"
#include "fuzz/fuzz_check.h"
#include "server/aof/aof_loader.h"
#include "server/aof/aof_manifest.h"
#include "server/command.h"
#include "server/config.h"
#include "server/server_state.h"

namespace kvd {
namespace {

constexpr std::string_view kSeparator = "\n----kvd-fuzz-file----\n";
constexpr size_t kManifestMaxLine = 1024;  // Redis's MANIFEST_MAX_LINE
constexpr std::string_view kSingleIncr = "file appendonly.aof.1.incr.aof seq 1 type i\n";

constexpr std::array<std::string_view, 8> kScriptCommands = {
    "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "function", "script"};

CommandTable& DataCommands() {
  static CommandTable* table = [] {
    CommandTable all;
    RegisterAllCommands(all);
    auto* data = new CommandTable;
    for (const CommandSpec& spec : all.All()) {
      bool script = false;
      for (std::string_view name : kScriptCommands) script = script || spec.name == name;
      if (!script && (spec.flags & kAdmin) == 0) data->Add(spec);
    }
    data->Freeze();
    return data;
  }();
  return *table;
}

const std::string& TempDir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/kvd-aof-fuzz-XXXXXX";
    FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr);
    return tmpl;
  }();
  return dir;
}

void EmptyDir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  FUZZ_CHECK(d != nullptr);
  while (dirent* e = readdir(d)) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") unlink((dir + "/" + e->d_name).c_str());
  }
  closedir(d);
}

void RemoveTempDir() {
  EmptyDir(TempDir());
  rmdir(TempDir().c_str());
}

void WriteFile(const std::string& path, std::string_view content) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;  // a name such as ".." cannot be written: the loader finds no file
  while (!content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    if (n <= 0) break;
    content.remove_prefix(static_cast<size_t>(n));
  }
  close(fd);
}

std::vector<std::string_view> Split(std::string_view input) {
  std::vector<std::string_view> parts;
  for (size_t at; (at = input.find(kSeparator)) != std::string_view::npos;) {
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + kSeparator.size());
  }
  parts.push_back(input);
  return parts;
}

void CheckManifestRoundTrip(std::string_view text) {
  const AofManifestParse parsed = ParseAofManifest(text);
  if (!parsed.manifest) {
    FUZZ_CHECK(!parsed.error.empty());
    return;
  }
  // Comment lines alone make an empty manifest (as in Redis), which formats as nothing.
  const AofManifest& m = *parsed.manifest;
  if (!m.base && m.history.empty() && m.incr.empty()) return;
  // A name of unprintable bytes is written escaped (\xHH, 4 bytes per byte) and may then
  // pass Redis's line limit, which Redis's own manifest has in common.
  const std::string text_again = FormatAofManifest(m);
  for (size_t at = 0, nl; (nl = text_again.find('\n', at)) != std::string::npos; at = nl + 1) {
    if (nl + 1 - at > kManifestMaxLine) return;
  }
  const AofManifestParse again = ParseAofManifest(text_again);
  FUZZ_CHECK(again.manifest.has_value());
  FUZZ_CHECK(again.manifest->base == parsed.manifest->base);
  FUZZ_CHECK(again.manifest->history == parsed.manifest->history);
  FUZZ_CHECK(again.manifest->incr == parsed.manifest->incr);
}

}  // namespace
}  // namespace kvd

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // the loader logs every file it reads
  kvd::DataCommands();
  kvd::TempDir();
  std::atexit(kvd::RemoveTempDir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kvd;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts = Split(input);
  if (parts.size() == 1) parts.insert(parts.begin(), kSingleIncr);
  CheckManifestRoundTrip(parts[0]);
  const AofManifestParse parsed = ParseAofManifest(parts[0]);
  if (!parsed.manifest) return 0;
  const AofManifest& manifest = *parsed.manifest;

  const std::string& dir = TempDir();
  EmptyDir(dir);
  std::vector<const AofFileInfo*> files;
  if (manifest.base) files.push_back(&*manifest.base);
  for (const AofFileInfo& f : manifest.incr) files.push_back(&f);
  for (size_t i = 0; i < files.size() && i + 1 < parts.size(); ++i) {
    WriteFile(dir + "/" + files[i]->name, parts[i + 1]);
  }

  ManualClock clock;
  Config config;
  // Strings grow to at most 1 MB (SETRANGE, APPEND...), as proto-max-bulk-len allows, so a
  // few commands cannot ask for gigabytes.
  const std::string_view max_bulk[] = {"1048576"};
  FUZZ_CHECK(config.ApplyStartup("proto-max-bulk-len", max_bulk).empty());
  Store store(16);
  ServerState state(config, store, DataCommands(), clock);
  const bool load_truncated = size % 2 == 0;
  const AofLoadResult result = LoadAofFiles(state, dir, manifest, load_truncated);
  FUZZ_CHECK(!state.loading);
  if (!result.error.empty()) {
    FUZZ_CHECK(!result.truncated);
    return 0;
  }
  // What the replay built must be sound enough to be saved and loaded back.
  const int64_t now = clock.NowMs();
  std::string encode_err;
  const std::string rdb = EncodeRdb(store, now, {}, &encode_err);
  FUZZ_CHECK(encode_err.empty());
  Store reloaded(16);
  FUZZ_CHECK(LoadRdb(rdb, now, reloaded).empty());
  for (size_t db = 0; db < store.DatabaseCount(); ++db) {
    FUZZ_CHECK(reloaded.Db(db).Count(now) == store.Db(db).Count(now));
  }
  return 0;
}

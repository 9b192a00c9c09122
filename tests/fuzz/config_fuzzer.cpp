// libFuzzer target: the config file parser on arbitrary bytes. The input is loaded as a
// redis.conf-style file (Config::LoadFile), then each of its lines is applied on its own as
// command-line options are (ApplyStartup) and, pairwise, as CONFIG SET. Errors are fine; a
// crash, leak or hang is not. Every parameter must still print (CONFIG GET *) afterwards, in
// a form CONFIG SET takes back.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "protocol/resp_parser.h"
#include "server/config.h"

namespace {

const std::string& TempFile() {
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp ? tmp : "/tmp") + "/kvd-config-fuzz-XXXXXX";
    const int fd = mkstemp(tmpl.data());
    FUZZ_CHECK(fd >= 0);
    close(fd);
    return tmpl;
  }();
  return path;
}

void RemoveTempFile() { unlink(TempFile().c_str()); }

void WriteFile(const std::string& path, std::string_view content) {
  const int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  FUZZ_CHECK(fd >= 0);
  while (!content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    FUZZ_CHECK(n > 0);
    content.remove_prefix(static_cast<size_t>(n));
  }
  close(fd);
}

// Every parameter prints (CONFIG GET *), and what it prints is accepted back by CONFIG SET
// (unless it cannot be set at run time, or the machine cannot take it: a maxclients past
// the open-files limit): CONFIG GET's output is what tools save and restore.
void CheckPrints(const kvd::Config& config, bool set_back) {
  const std::string_view all[] = {"*"};
  const auto params = config.Get(all);
  FUZZ_CHECK(!params.empty());
  if (!set_back) return;
  kvd::Config fresh;
  for (const auto& [name, value] : params) {
    const std::string_view pair[] = {name, value};
    const std::string err = fresh.Set(pair);
    if (!err.empty() && err.find("immutable config") == std::string::npos &&
        err.find("protected config") == std::string::npos &&
        err.find("The operating system is not able to handle") == std::string::npos) {
      std::fprintf(stderr, "CONFIG SET %s '%s': %s\n", name.c_str(), value.c_str(), err.c_str());
      FUZZ_CHECK(err.empty());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  TempFile();
  std::atexit(RemoveTempFile);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  WriteFile(TempFile(), text);
  kvd::Config from_file;
  const std::string err = from_file.LoadFile(TempFile());
  if (!err.empty()) FUZZ_CHECK(err.find("FATAL CONFIG FILE ERROR") != std::string::npos);
  CheckPrints(from_file, /*set_back=*/false);

  kvd::Config startup;
  kvd::Config runtime;
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    std::vector<std::string_view> args;
    kvd::ArgStorage storage;
    if (!kvd::SplitInlineArgs(line, args, storage) || args.empty()) continue;
    const std::span<const std::string_view> values(args.begin() + 1, args.end());
    startup.ApplyStartup(args[0], values);
    runtime.Set(args);
  }
  CheckPrints(startup, /*set_back=*/true);
  CheckPrints(runtime, /*set_back=*/false);
  return 0;
}

// The server process, redis-cli runs and small helpers. RawClient and the reply parser are in
// raw_client.cpp.
#include "e2e/harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <doctest/doctest.h>

namespace kvd::e2e {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error(what + (errno ? std::string(": ") + std::strerror(errno) : ""));
}

// Writes to a closed socket or pipe must fail with EPIPE, not kill the test binary.
const bool kSigpipeIgnored = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();

std::string MakeTempDir() {
  std::string path = (std::filesystem::temp_directory_path() / "kvd-e2e-XXXXXX").string();
  if (mkdtemp(path.data()) == nullptr) Fail("mkdtemp");
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The exit status as a code: the exit code, or 128+N for a kill by signal N (as a shell does).
int StatusCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for `pid` to exit; kills it with SIGKILL at the deadline.
ExitResult Reap(pid_t pid, std::chrono::milliseconds timeout) {
  ExitResult result;
  const auto deadline = Clock::now() + timeout;
  auto pause = 1ms;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      result.exited = true;
      result.code = StatusCode(status);
      return result;
    }
    if (r < 0 && errno != EINTR) Fail("waitpid");
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.code = StatusCode(status);
      return result;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::milliseconds>(pause * 2, 20ms);
  }
}

// In a forked child: restores what the parent changed, then execs. Never returns.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv) {
  signal(SIGPIPE, SIG_DFL);
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  execvp(cargv[0], cargv.data());
  std::fprintf(stderr, "exec %s: %s\n", cargv[0], std::strerror(errno));
  _exit(127);
}

// Starts `argv` in `cwd` with stdout and stderr appended to `log_path` and stdin closed.
pid_t SpawnLogged(const std::vector<std::string>& argv, const std::string& cwd,
                  const std::string& log_path) {
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) Fail("open " + log_path);
  pid_t pid = fork();
  if (pid < 0) Fail("fork");
  if (pid == 0) {
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    ExecChild(argv);
  }
  close(log_fd);
  return pid;
}

bool IsRedisServer(const std::string& binary) {
  return std::filesystem::path(binary).filename() == "redis-server";
}

// redis-server takes --port 0 as "no TCP", so it gets a port that was free a moment ago.
int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    Fail("picking a free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// The N of the last "port=N" in the log before readiness (kvd and Redis: "Running
// mode=standalone, port=N.").
int PortFromLog(std::string_view log) {
  size_t at = log.rfind("port=");
  if (at == std::string_view::npos) return 0;
  int port = 0;
  for (size_t i = at + 5; i < log.size() && log[i] >= '0' && log[i] <= '9'; ++i) {
    port = port * 10 + (log[i] - '0');
  }
  return port;
}

std::string Tail(const std::string& log, size_t n = 4000) {
  return log.size() <= n ? log : "..." + log.substr(log.size() - n);
}

}  // namespace

std::string Slurp(const std::string& path) { return ReadFile(path); }

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

const std::string& ServerBinary() {
  static const std::string binary = [] {
    const char* env = std::getenv("KVD_E2E_SERVER");
    return std::string(env != nullptr && *env != '\0' ? env : SERVER_BINARY);
  }();
  return binary;
}

bool TestingKvd() { return !IsRedisServer(ServerBinary()); }

bool Expects72() {
  static const bool expects = [] {
    if (TestingKvd()) return true;
    // "Redis server v=7.0.15 sha=..."
    ExitResult r = RunServerToExit({"--version"}, 5s);
    size_t at = r.output.find("v=");
    if (at == std::string::npos) return false;
    int major = 0, minor = 0;
    std::sscanf(r.output.c_str() + at + 2, "%d.%d", &major, &minor);
    return major > 7 || (major == 7 && minor >= 2);
  }();
  return expects;
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto pause = 1ms;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::milliseconds>(pause * 2, 20ms);
  }
}

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
std::string Int(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }
std::string Err(std::string_view message) { return "-" + std::string(message) + "\r\n"; }
std::string Arr(std::initializer_list<std::string> elements) {
  std::string out = "*" + std::to_string(elements.size()) + "\r\n";
  for (const std::string& e : elements) out += e;
  return out;
}
std::string ArityErr(std::string_view command) {
  return "-ERR wrong number of arguments for '" + std::string(command) + "' command\r\n";
}
std::string Command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += Bulk(a);
  return out;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::optional<std::string> InfoField(std::string_view info, std::string_view field) {
  for (const std::string& line : Lines(info)) {
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 &&
        line[field.size()] == ':') {
      std::string value = line.substr(field.size() + 1);
      if (!value.empty() && value.back() == '\r') value.pop_back();
      return value;
    }
  }
  return std::nullopt;
}

std::string InfoField(RawClient& c, const std::string& section, std::string_view field) {
  return InfoField(c.Exec({"INFO", section}).Text(), field).value_or("");
}

bool ReplicaCaughtUp(RawClient& master, RawClient& replica) {
  const std::string want = InfoField(master, "replication", "master_repl_offset");
  return InfoField(replica, "replication", "master_link_status") == "up" &&
         InfoField(replica, "replication", "slave_repl_offset") == want;
}

int64_t BlockedClients(RawClient& c) {
  const std::string info = c.Exec({"INFO", "clients"}).str;
  return std::stoll(InfoField(info, "blocked_clients").value_or("-1"));
}

bool WaitBlocked(RawClient& observer, int64_t n) {
  return WaitFor([&] { return BlockedClients(observer) == n; });
}

TempDir::TempDir() : path_(MakeTempDir()) {}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name, std::string_view content) const {
  std::string file = path_ + "/" + name;
  std::ofstream out(file, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) Fail("writing " + file);
  return file;
}

// ---- ServerProcess ---------------------------------------------------------------------------

ServerProcess::ServerProcess(std::vector<std::string> args, ServerOptions options) {
  dir_ = MakeTempDir();
  log_path_ = dir_ + "/server.log";
  const std::string binary = options.binary.empty() ? ServerBinary() : options.binary;
  const int chosen_port =
      options.port != 0 ? options.port : (IsRedisServer(binary) ? PickFreePort() : 0);
  std::vector<std::string> argv = {binary};
  // A config file must come first (`kvd [configfile] [--name value ...]`).
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    argv.push_back(args[0]);
    args.erase(args.begin());
  }
  for (const std::string& a : {std::string("--port"), std::to_string(chosen_port),
                               std::string("--dir"), dir_, std::string("--save"), std::string()}) {
    argv.push_back(a);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = SpawnLogged(argv, dir_, log_path_);

  const auto deadline = Clock::now() + kTimeout;
  for (auto pause = 1ms;; pause = std::min<std::chrono::milliseconds>(pause * 2, 10ms)) {
    std::string log = Log();
    if (size_t ready = log.find(options.ready_line); ready != std::string::npos) {
      port_ = PortFromLog(std::string_view(log).substr(0, ready));
      if (port_ == 0) port_ = chosen_port;
      // kvd accepts connections while it loads its dataset: wait for the load to end.
      // (An append-only file logs "DB loaded from base file ..." per file, then this.)
      const bool loading = Contains(log, kBackgroundLoadLog) &&
                           !Contains(log, "DB loaded from disk") &&
                           !Contains(log, "DB loaded from append only file");
      if (options.wait == ServerWait::kReady || !loading) break;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      std::filesystem::remove_all(dir_);
      throw std::runtime_error("server exited with code " + std::to_string(StatusCode(status)) +
                               " before it was ready:\n" + Tail(log));
    }
    if (Clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      reaped_ = true;
      std::filesystem::remove_all(dir_);
      throw std::runtime_error("server not ready in time:\n" + Tail(log));
    }
    std::this_thread::sleep_for(pause);
  }
  if (port_ <= 0 || port_ > 65535 || (chosen_port != 0 && port_ != chosen_port)) {
    std::string log = Log();
    Stop(SIGKILL);
    std::filesystem::remove_all(dir_);
    throw std::runtime_error("no valid port=N in the server log:\n" + Tail(log));
  }
}

ServerProcess::~ServerProcess() {
  if (!reaped_) {
    ExitResult r = Stop(SIGTERM);
    INFO("server log:\n", Tail(Log()));
    CHECK_MESSAGE(r.exited, "the server did not exit on SIGTERM");
    CHECK_MESSAGE(r.code == 0, "exit code after SIGTERM: ", r.code);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string ServerProcess::Log() const { return ReadFile(log_path_); }

ExitResult ServerProcess::WaitExit(std::chrono::milliseconds timeout) {
  if (reaped_) throw std::logic_error("the server has already been reaped");
  ExitResult r = Reap(pid_, timeout);
  reaped_ = true;
  r.output = Log();
  return r;
}

ExitResult ServerProcess::Stop(int signal) {
  if (!reaped_) kill(pid_, signal);
  return WaitExit();
}

ExitResult RunServerToExit(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {ServerBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunToExit(argv, timeout);
}

ExitResult RunToExit(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  std::string dir = MakeTempDir();
  std::string log_path = dir + "/output.log";
  pid_t pid = SpawnLogged(argv, dir, log_path);
  ExitResult r = Reap(pid, timeout);
  r.output = ReadFile(log_path);
  std::filesystem::remove_all(dir);
  return r;
}

bool WaitLoaded(RawClient& client, std::chrono::milliseconds timeout) {
  bool failed = false;
  const bool loaded = WaitFor(
      [&] {
        Reply r = client.Exec({"INFO", "persistence"});
        if (r.type != '$') {
          failed = true;
          return true;
        }
        return InfoField(r.str, "loading") == "0";
      },
      timeout);
  return loaded && !failed;
}

// ---- redis-cli -------------------------------------------------------------------------------

CliResult RunCli(int port, const std::vector<std::string>& args, std::string_view input,
                 std::chrono::milliseconds timeout) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    Fail("pipe");
  }
  std::vector<std::string> argv = {"redis-cli", "-p", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid < 0) Fail("fork");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    ExecChild(argv);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int in_fd = in_pipe[1], out_fd = out_pipe[0], err_fd = err_pipe[0];
  for (int fd : {in_fd, out_fd, err_fd}) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

  CliResult result;
  size_t written = 0;
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  const auto deadline = Clock::now() + timeout;
  bool timed_out = false;
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (poll(fds, 3, static_cast<int>(left.count())) < 0 && errno != EINTR) Fail("poll");
    if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        close(in_fd);  // done, or redis-cli stopped reading
        in_fd = -1;
      }
    }
    for (int i : {1, 2}) {
      int& fd = i == 1 ? out_fd : err_fd;
      if (fd < 0 || !(fds[i].revents & (POLLIN | POLLERR | POLLHUP))) continue;
      char buf[65536];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        (i == 1 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        close(fd);
        fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) close(fd);
  }
  if (timed_out) kill(pid, SIGKILL);
  ExitResult r = Reap(pid, timed_out ? 1s : timeout);
  if (timed_out) {
    throw std::runtime_error("redis-cli timed out; stdout so far:\n" + Tail(result.out) +
                             "\nstderr:\n" + Tail(result.err));
  }
  result.code = r.code;
  return result;
}

}  // namespace kvd::e2e

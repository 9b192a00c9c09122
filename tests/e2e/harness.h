#pragma once
// End-to-end test harness: starts the real server binary on a free port in a fresh temp dir
// (ServerProcess), talks raw RESP to it over a blocking TCP socket (RawClient) and runs
// redis-cli against it (RunCli). Every wait has a deadline, so a hang fails the test instead
// of blocking CI.
//
// The binary is SERVER_BINARY (the built kvd) unless KVD_E2E_SERVER names another one, e.g.
// KVD_E2E_SERVER=/usr/bin/redis-server to check that the expected replies are Redis's.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvd::e2e {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Generous: the tests run under ASan on a busy 2-core machine. Passing tests never wait
// this long; it only bounds how long a broken server can stall the suite.
inline constexpr std::chrono::milliseconds kTimeout = 20s;

// The binary under test (KVD_E2E_SERVER or SERVER_BINARY).
const std::string& ServerBinary();
// False when the suite runs against a real redis-server (KVD_E2E_SERVER).
bool TestingKvd();
// True when the server is expected to behave as Redis 7.2 (kvd always, redis-server 7.2+).
// Checks of 7.2-only behaviour are skipped against an older redis-server.
bool Expects72();

// Polls `condition` until it is true or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout = kTimeout);

// A file's whole content ("" when it cannot be read), and whether a path exists.
std::string Slurp(const std::string& path);
bool Exists(const std::string& path);

// ---- RESP building blocks for expected replies -------------------------------------------

inline const std::string kOk = "+OK\r\n";
inline const std::string kNil = "$-1\r\n";           // RESP2 null bulk
inline const std::string kNilArray = "*-1\r\n";      // RESP2 null array
inline const std::string kSyntaxErr = "-ERR syntax error\r\n";
inline const std::string kNotIntErr = "-ERR value is not an integer or out of range\r\n";
std::string Bulk(std::string_view s);
std::string Int(int64_t n);
std::string Err(std::string_view message);  // "-" + message + "\r\n"
std::string Arr(std::initializer_list<std::string> elements);
std::string ArityErr(std::string_view command);  // for the lower-case command name
// A request as a RESP multibulk frame.
std::string Command(const std::vector<std::string>& args);

// ---- Parsed replies --------------------------------------------------------------------------

struct Reply {
  char type = 0;                // RESP type byte: + - : $ * _ # , ( = % ~ > |
  std::string str;              // + - $ = , ( text; "1"/"0"... for ':' and '#' as sent
  int64_t integer = 0;          // ':' value
  bool null = false;            // $-1, *-1, _
  std::vector<Reply> elements;  // * ~ > elements; % and | flattened as key, value, ...
  std::string raw;              // the exact bytes of the reply

  bool IsError() const { return type == '-'; }
  // The text of a bulk, simple, verbatim (without its "txt:" prefix) or error reply.
  std::string Text() const;
  // For a map (RESP3 '%', or a RESP2 flat key/value array): the value for `key`, if any.
  const Reply* Field(std::string_view key) const;
};

// Parses one complete reply at the start of `in`. Returns the number of bytes it took, or 0
// when `in` holds only part of a reply. Throws std::runtime_error on malformed input.
size_t ParseReply(std::string_view in, Reply& out);

// A fresh temporary directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to the file `name` in the directory; returns its full path.
  std::string Write(const std::string& name, std::string_view content) const;

 private:
  std::string path_;
};

// ---- The server process ----------------------------------------------------------------------

struct ExitResult {
  bool exited = false;  // false: still running at the deadline (then killed)
  int code = -1;        // exit code; 128+N when killed by signal N
  std::string output;   // stdout + stderr
};

// What ServerProcess waits for before its constructor returns.
enum class ServerWait {
  kReady,   // "Ready to accept connections" (kvd may still be loading its dataset)
  kLoaded,  // that, and the end of the dataset's background load when one started
};

struct ServerOptions {
  std::string binary;  // "" = ServerBinary(); e.g. "/usr/bin/redis-server" for interop
  ServerWait wait = ServerWait::kLoaded;
  // The log line that says the server serves (Redis Sentinel has its own: "+monitor").
  std::string ready_line = "Ready to accept connections";
  // A fixed TCP port, e.g. to restart a server where its replicas or Sentinel expect it
  // (0: any free one).
  int port = 0;
};

// kvd logs this (before readiness) when it loads a dataset in the background, and
// "DB loaded from ..." when the load is complete.
inline constexpr std::string_view kBackgroundLoadLog = "Loading the dataset from";

class ServerProcess {
 public:
  // Starts the server with `--port 0 --dir <fresh temp dir> --save ""` plus `args` and waits
  // for "Ready to accept connections" and, unless options.wait says otherwise, for a
  // background load of the dataset to end. Throws (failing the test) if it exits or times
  // out. An args[0] not starting with '-' is a config file and goes first on the command
  // line.
  explicit ServerProcess(std::vector<std::string> args = {}, ServerOptions options = {});
  // SIGTERM, wait for exit, CHECK the exit code is 0 (unless the test already collected the
  // exit), remove the temp dir.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  std::string Log() const;  // everything the server wrote to stdout and stderr so far

  // Waits for the process to exit by itself (after SHUTDOWN, say) and returns its status.
  ExitResult WaitExit(std::chrono::milliseconds timeout = kTimeout);
  // Sends `signal` and waits for the exit.
  ExitResult Stop(int signal);

 private:
  std::string dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool reaped_ = false;
};

// Runs the server binary with `args` (and a temp dir as cwd) expecting it to exit by itself,
// e.g. on a bad option. Kills it at the deadline.
ExitResult RunServerToExit(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout = kTimeout);

// Runs any program (argv[0] looked up in PATH) to its exit, e.g. redis-check-rdb.
ExitResult RunToExit(const std::vector<std::string>& argv,
                     std::chrono::milliseconds timeout = kTimeout);

// ---- Raw TCP client ----------------------------------------------------------------------------

class RawClient {
 public:
  explicit RawClient(int port, std::chrono::milliseconds timeout = kTimeout);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Writes all of `bytes`. Replies that arrive meanwhile are buffered, so a big pipeline
  // cannot deadlock against a server that stops reading while its replies are unread.
  void Send(std::string_view bytes);
  // Writes all of `bytes` without reading anything meanwhile (to leave replies unread).
  void SendOnly(std::string_view bytes);
  // Reads exactly `n` bytes.
  std::string ReadExact(size_t n);
  // Reads one complete reply.
  Reply ReadReply();
  // Reads until the server closes the connection; returns what came before the close.
  std::string ReadUntilClosed();

  // Sends one command as a multibulk frame and returns its reply's raw bytes.
  std::string Call(const std::vector<std::string>& args);
  // Same, parsed.
  Reply Exec(const std::vector<std::string>& args);

 private:
  // Waits for the socket to be readable and appends what it gets to buffer_; false on EOF.
  bool Fill();
  Clock::time_point Deadline() const { return Clock::now() + timeout_; }

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;  // received, not yet consumed
  bool eof_ = false;
};

// ---- redis-cli -------------------------------------------------------------------------------

struct CliResult {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `redis-cli -p <port> args...` with `input` on its stdin. Arguments are passed to
// execvp as they are (no shell), so any byte except NUL is safe.
CliResult RunCli(int port, const std::vector<std::string>& args, std::string_view input = {},
                 std::chrono::milliseconds timeout = kTimeout);

inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Polls INFO persistence until the server reports loading:0 (its dataset is in memory).
// False at the deadline or if INFO fails.
bool WaitLoaded(RawClient& client, std::chrono::milliseconds timeout = kTimeout);

// Splits redis-cli's output into lines (without the trailing newline).
std::vector<std::string> Lines(std::string_view text);

// The value of `field` in an INFO reply ("used_memory:123" -> "123"), if present.
std::optional<std::string> InfoField(std::string_view info, std::string_view field);
// The value of `field` in the client's INFO `section` ("" when absent).
std::string InfoField(RawClient& c, const std::string& section, std::string_view field);
// The replica's link is up and it has applied everything its master has sent so far.
bool ReplicaCaughtUp(RawClient& master, RawClient& replica);

// INFO clients' blocked_clients as `c` sees it (-1 when missing).
int64_t BlockedClients(RawClient& c);
// Waits (with the harness deadline) until `n` clients are blocked.
bool WaitBlocked(RawClient& observer, int64_t n);

}  // namespace kvd::e2e

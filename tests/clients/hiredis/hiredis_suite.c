// hiredis (Debian's libhiredis-dev) against the real server binary: the synchronous API
// (redisCommand with binary-safe %b arguments, redisCommandArgv, every RESP2 reply type) and
// the pipelined API (redisAppendCommand N times, then redisGetReply N times).
//
// Usage: hiredis_suite KVD_BINARY   (or KVD_BINARY in the environment)
// Starts the server with `--port 0 --save ""` in a fresh temp dir, reads its port from the
// log line `Running mode=standalone, port=N.` (a real redis-server, to check the expectations
// themselves, gets a free port picked here), runs the checks, stops it with SIGTERM and
// prints `hiredis: N passed, M failed`. Exits non-zero on any failure.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libgen.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kStartTimeoutS = 30, kStopTimeoutS = 30, kPipelineDepth = 1000 };

static int passed_ = 0;
static int failed_ = 0;
static bool case_failed_ = false;

// Records a failed expectation of the current case, with where and why.
#define EXPECT(cond, ...)                                             \
  do {                                                                \
    if (!(cond)) {                                                    \
      printf("        line %d: %s: ", __LINE__, #cond);               \
      printf(__VA_ARGS__);                                            \
      printf("\n");                                                   \
      case_failed_ = true;                                            \
    }                                                                 \
  } while (0)

static void EndCase(const char* name) {
  if (case_failed_) {
    failed_++;
    printf("  FAIL  %s\n", name);
  } else {
    passed_++;
    printf("  ok    %s\n", name);
  }
  case_failed_ = false;
}

// ---- the server ------------------------------------------------------------------------------

typedef struct {
  pid_t pid;
  int log_fd;
  int port;
  bool ready;
  bool exited;
  char dir[512];
  pthread_t reader;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  char log[16384];  // the start of the log, for failure messages
  size_t log_len;
} Server;

// Drains the server's output (so it never blocks on a full pipe) and spots the port and
// readiness lines.
static void* ReadLog(void* arg) {
  Server* s = arg;
  char line[1024];
  size_t len = 0;
  char buf[4096];
  ssize_t n;
  while ((n = read(s->log_fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    for (ssize_t i = 0; i < n; i++) {
      if (len + 1 < sizeof line) line[len++] = buf[i];
      if (buf[i] != '\n') continue;
      line[len] = '\0';
      pthread_mutex_lock(&s->mu);
      if (s->log_len + len < sizeof s->log) {
        memcpy(s->log + s->log_len, line, len);
        s->log_len += len;
      }
      const char* p = strstr(line, "Running mode=standalone, port=");
      if (p) s->port = atoi(p + strlen("Running mode=standalone, port="));
      if (s->port > 0 && strstr(line, "Ready to accept connections")) {
        s->ready = true;
        pthread_cond_broadcast(&s->cv);
      }
      pthread_mutex_unlock(&s->mu);
      len = 0;
    }
  }
  pthread_mutex_lock(&s->mu);
  s->exited = true;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

// A port free right now, for a real redis-server (which cannot bind port 0 and log it).
static int FreePort(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof addr;
  int port = 0;
  if (fd >= 0 && bind(fd, (struct sockaddr*)&addr, sizeof addr) == 0 &&
      getsockname(fd, (struct sockaddr*)&addr, &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

static bool StartServer(Server* s, const char* binary) {
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, NULL);
  const char* tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/kvd-hiredis-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(s->dir)) {
    perror("mkdtemp");
    return false;
  }
  char port[16] = "0";
  char name[256];
  snprintf(name, sizeof name, "%s", binary);
  if (strncmp(basename(name), "redis-server", 12) == 0) {
    snprintf(port, sizeof port, "%d", FreePort());
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    perror("pipe");
    return false;
  }
  s->pid = fork();
  if (s->pid < 0) {
    perror("fork");
    return false;
  }
  if (s->pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    if (chdir(s->dir) != 0) _exit(126);
    execl(binary, binary, "--port", port, "--save", "", "--dir", s->dir, (char*)NULL);
    _exit(127);
  }
  close(fds[1]);
  s->log_fd = fds[0];
  pthread_create(&s->reader, NULL, ReadLog, s);
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += kStartTimeoutS;
  pthread_mutex_lock(&s->mu);
  while (!s->ready && !s->exited) {
    if (pthread_cond_timedwait(&s->cv, &s->mu, &deadline) == ETIMEDOUT) break;
  }
  bool ready = s->ready;
  pthread_mutex_unlock(&s->mu);
  if (!ready) printf("server did not start:\n%.*s\n", (int)s->log_len, s->log);
  return ready;
}

static int RemoveEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static void OnStopTimeout(int sig) {
  (void)sig;
  static const char kMsg[] = "server did not stop in time\n";
  ssize_t ignored = write(STDOUT_FILENO, kMsg, sizeof kMsg - 1);
  (void)ignored;
  _exit(1);
}

// Sends SIGTERM and returns the exit status; 0 is a clean shutdown.
static int StopServer(Server* s) {
  int status = -1;
  if (s->pid > 0) {
    kill(s->pid, SIGTERM);
    signal(SIGALRM, OnStopTimeout);
    alarm(kStopTimeoutS);
    while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
    }
    alarm(0);
    pthread_join(s->reader, NULL);
    close(s->log_fd);
  }
  nftw(s->dir, RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  return status;
}

// ---- reply checks ----------------------------------------------------------------------------

static const char* TypeName(int type) {
  switch (type) {
    case REDIS_REPLY_STRING: return "string";
    case REDIS_REPLY_ARRAY: return "array";
    case REDIS_REPLY_INTEGER: return "integer";
    case REDIS_REPLY_NIL: return "nil";
    case REDIS_REPLY_STATUS: return "status";
    case REDIS_REPLY_ERROR: return "error";
    default: return "?";
  }
}

static bool IsType(const redisReply* r, int type) {
  return r && r->type == type;
}

static bool HasText(const redisReply* r, int type, const char* text) {
  return IsType(r, type) && r->len == strlen(text) && memcmp(r->str, text, r->len) == 0;
}

#define DESCRIBE(r)                                                                          \
  "got %s '%.*s' (%lld)", (r) ? TypeName((r)->type) : "no reply",                           \
      (r) && (r)->str ? (int)(r)->len : 0, (r) && (r)->str ? (r)->str : "", (r) ? (r)->integer : 0

#define EXPECT_STATUS(r, text) EXPECT(HasText(r, REDIS_REPLY_STATUS, text), DESCRIBE(r))
#define EXPECT_BULK(r, text) EXPECT(HasText(r, REDIS_REPLY_STRING, text), DESCRIBE(r))
#define EXPECT_ERROR(r, text) EXPECT(HasText(r, REDIS_REPLY_ERROR, text), DESCRIBE(r))
#define EXPECT_NIL(r) EXPECT(IsType(r, REDIS_REPLY_NIL), DESCRIBE(r))
#define EXPECT_INT(r, n) \
  EXPECT(IsType(r, REDIS_REPLY_INTEGER) && (r)->integer == (n), DESCRIBE(r))

static redisReply* Cmd(redisContext* c, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  redisReply* r = redisvCommand(c, format, ap);
  va_end(ap);
  if (!r) printf("        connection error: %s\n", c->errstr);
  return r;
}

// Runs a command whose reply is not under test.
static void Do(redisContext* c, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  redisReply* r = redisvCommand(c, format, ap);
  va_end(ap);
  if (r) freeReplyObject(r);
}

// ---- the synchronous API ---------------------------------------------------------------------

static void TestStatusAndBulk(redisContext* c) {
  redisReply* r = Cmd(c, "PING");
  EXPECT_STATUS(r, "PONG");
  freeReplyObject(r);
  r = Cmd(c, "SET %s %s", "greeting", "hello");
  EXPECT_STATUS(r, "OK");
  freeReplyObject(r);
  r = Cmd(c, "GET %s", "greeting");
  EXPECT_BULK(r, "hello");
  freeReplyObject(r);
  r = Cmd(c, "ECHO %s", "");
  EXPECT(IsType(r, REDIS_REPLY_STRING) && r->len == 0, DESCRIBE(r));
  freeReplyObject(r);
  EndCase("sync: status and bulk replies");
}

static void TestBinarySafe(redisContext* c) {
  const char key[] = {'k', '\0', '\r', '\n', 'y'};
  const char value[] = {'\0', '\xff', '\r', '\n', ' ', '$', '-', '1', '\0'};
  redisReply* r = Cmd(c, "SET %b %b", key, sizeof key, value, sizeof value);
  EXPECT_STATUS(r, "OK");
  freeReplyObject(r);
  r = Cmd(c, "GET %b", key, sizeof key);
  EXPECT(IsType(r, REDIS_REPLY_STRING) && r->len == sizeof value &&
             memcmp(r->str, value, sizeof value) == 0,
         DESCRIBE(r));
  freeReplyObject(r);
  r = Cmd(c, "STRLEN %b", key, sizeof key);
  EXPECT_INT(r, (long long)sizeof value);
  freeReplyObject(r);
  // The same through redisCommandArgv.
  const char* argv[] = {"APPEND", key, value};
  const size_t argvlen[] = {6, sizeof key, sizeof value};
  r = redisCommandArgv(c, 3, argv, argvlen);
  EXPECT_INT(r, 2 * (long long)sizeof value);
  freeReplyObject(r);
  // A 1 MB value with every byte value.
  size_t big_len = 1 << 20;
  char* big = malloc(big_len);
  for (size_t i = 0; i < big_len; i++) big[i] = (char)(i * 31 + 7);
  r = Cmd(c, "SET %s %b", "big", big, big_len);
  EXPECT_STATUS(r, "OK");
  freeReplyObject(r);
  r = Cmd(c, "GET %s", "big");
  EXPECT(IsType(r, REDIS_REPLY_STRING) && r->len == big_len && memcmp(r->str, big, big_len) == 0,
         "1 MB value differs: %s", r ? TypeName(r->type) : "no reply");
  freeReplyObject(r);
  free(big);
  EndCase("sync: binary-safe %b arguments and redisCommandArgv");
}

static void TestIntegerAndNil(redisContext* c) {
  redisReply* r = Cmd(c, "INCR %s", "counter");
  EXPECT_INT(r, 1);
  freeReplyObject(r);
  r = Cmd(c, "INCRBY %s %lld", "counter", -11LL);
  EXPECT_INT(r, -10);
  freeReplyObject(r);
  r = Cmd(c, "EXISTS %s %s", "counter", "missing");
  EXPECT_INT(r, 1);
  freeReplyObject(r);
  r = Cmd(c, "GET %s", "missing");
  EXPECT_NIL(r);
  freeReplyObject(r);
  // RESP2's null array (*-1) is a nil reply too: BLPOP timing out.
  r = Cmd(c, "BLPOP %s %s", "empty", "0.01");
  EXPECT_NIL(r);
  freeReplyObject(r);
  EndCase("sync: integer and nil replies");
}

static void TestArrays(redisContext* c) {
  Do(c, "RPUSH %s %s %s %s", "list", "a", "b", "c");
  redisReply* r = Cmd(c, "LRANGE %s 0 -1", "list");
  EXPECT(IsType(r, REDIS_REPLY_ARRAY) && r->elements == 3, DESCRIBE(r));
  if (IsType(r, REDIS_REPLY_ARRAY) && r->elements == 3) {
    EXPECT_BULK(r->element[0], "a");
    EXPECT_BULK(r->element[2], "c");
  }
  freeReplyObject(r);
  r = Cmd(c, "LRANGE %s 0 -1", "missing");
  EXPECT(IsType(r, REDIS_REPLY_ARRAY) && r->elements == 0, DESCRIBE(r));
  freeReplyObject(r);
  // Nil inside an array.
  Do(c, "SET %s %s", "x", "1");
  r = Cmd(c, "MGET %s %s %s", "x", "missing", "x");
  EXPECT(IsType(r, REDIS_REPLY_ARRAY) && r->elements == 3, DESCRIBE(r));
  if (IsType(r, REDIS_REPLY_ARRAY) && r->elements == 3) {
    EXPECT_BULK(r->element[0], "1");
    EXPECT_NIL(r->element[1]);
  }
  freeReplyObject(r);
  // Nested arrays: SCAN's [cursor, [keys...]].
  r = Cmd(c, "SCAN 0 MATCH %s COUNT 1000", "lis*");
  EXPECT(IsType(r, REDIS_REPLY_ARRAY) && r->elements == 2, DESCRIBE(r));
  if (IsType(r, REDIS_REPLY_ARRAY) && r->elements == 2) {
    EXPECT_BULK(r->element[0], "0");
    redisReply* keys = r->element[1];
    EXPECT(IsType(keys, REDIS_REPLY_ARRAY) && keys->elements == 1, DESCRIBE(keys));
    if (IsType(keys, REDIS_REPLY_ARRAY) && keys->elements == 1) {
      EXPECT_BULK(keys->element[0], "list");
    }
  }
  freeReplyObject(r);
  // Scores as bulk strings, Redis's formatting.
  Do(c, "ZADD %s 1.5 %s -2 %s", "z", "a", "b");
  r = Cmd(c, "ZRANGE %s 0 -1 WITHSCORES", "z");
  EXPECT(IsType(r, REDIS_REPLY_ARRAY) && r->elements == 4, DESCRIBE(r));
  if (IsType(r, REDIS_REPLY_ARRAY) && r->elements == 4) {
    EXPECT_BULK(r->element[0], "b");
    EXPECT_BULK(r->element[1], "-2");
    EXPECT_BULK(r->element[3], "1.5");
  }
  freeReplyObject(r);
  EndCase("sync: array replies (empty, with nil, nested)");
}

static void TestErrors(redisContext* c) {
  Do(c, "SET %s %s", "str", "v");
  redisReply* r = Cmd(c, "LPUSH %s %s", "str", "x");
  EXPECT_ERROR(r, "WRONGTYPE Operation against a key holding the wrong kind of value");
  freeReplyObject(r);
  r = Cmd(c, "NOSUCHCOMMAND %s", "arg");
  EXPECT_ERROR(r, "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'arg' ");
  freeReplyObject(r);
  r = Cmd(c, "GET");
  EXPECT_ERROR(r, "ERR wrong number of arguments for 'get' command");
  freeReplyObject(r);
  r = Cmd(c, "INCR %s", "str");
  EXPECT_ERROR(r, "ERR value is not an integer or out of range");
  freeReplyObject(r);
  r = Cmd(c, "GET %s", "str");
  EXPECT_BULK(r, "v");  // the connection goes on after errors
  freeReplyObject(r);
  EXPECT(c->err == 0, "context error %d: %s", c->err, c->errstr);
  EndCase("sync: error replies");
}

// ---- the pipelined API -----------------------------------------------------------------------

static void TestPipelineDepth(redisContext* c) {
  for (int i = 0; i < kPipelineDepth; i++) {
    redisAppendCommand(c, "SET key:%d %d", i, i);
  }
  for (int i = 0; i < kPipelineDepth; i++) {
    redisAppendCommand(c, "GET key:%d", i);
  }
  int bad = 0;
  for (int i = 0; i < 2 * kPipelineDepth; i++) {
    redisReply* r = NULL;
    if (redisGetReply(c, (void**)&r) != REDIS_OK) {
      EXPECT(false, "redisGetReply %d: %s", i, c->errstr);
      break;
    }
    char expected[32];
    snprintf(expected, sizeof expected, "%d", i - kPipelineDepth);
    bool ok = i < kPipelineDepth ? HasText(r, REDIS_REPLY_STATUS, "OK")
                                 : HasText(r, REDIS_REPLY_STRING, expected);
    if (!ok && bad++ == 0) EXPECT(ok, "reply %d: " "got %s", i, r ? TypeName(r->type) : "none");
    freeReplyObject(r);
  }
  EXPECT(bad == 0, "%d replies out of order or wrong", bad);
  redisReply* r = Cmd(c, "DBSIZE");
  EXPECT_INT(r, kPipelineDepth);
  freeReplyObject(r);
  EndCase("pipeline: 2000 commands appended, then 2000 replies in order");
}

static void TestPipelineMixedReplies(redisContext* c) {
  const char bin[] = {'a', '\0', 'b'};
  redisAppendCommand(c, "SET %s %b", "s", bin, sizeof bin);  // status
  redisAppendCommand(c, "INCR %s", "n");                      // integer
  redisAppendCommand(c, "GET %s", "s");                       // bulk
  redisAppendCommand(c, "GET %s", "missing");                 // nil
  redisAppendCommand(c, "LPUSH %s %s", "s", "x");             // error
  redisAppendCommand(c, "MGET %s %s", "s", "n");              // array
  redisAppendCommand(c, "INCR %s", "n");                      // after the error
  redisReply* r[7] = {0};
  for (int i = 0; i < 7; i++) {
    if (redisGetReply(c, (void**)&r[i]) != REDIS_OK) {
      EXPECT(false, "redisGetReply %d: %s", i, c->errstr);
      break;
    }
  }
  EXPECT_STATUS(r[0], "OK");
  EXPECT_INT(r[1], 1);
  EXPECT(IsType(r[2], REDIS_REPLY_STRING) && r[2]->len == 3 && memcmp(r[2]->str, bin, 3) == 0,
         DESCRIBE(r[2]));
  EXPECT_NIL(r[3]);
  EXPECT_ERROR(r[4], "WRONGTYPE Operation against a key holding the wrong kind of value");
  EXPECT(IsType(r[5], REDIS_REPLY_ARRAY) && r[5]->elements == 2, DESCRIBE(r[5]));
  if (IsType(r[5], REDIS_REPLY_ARRAY) && r[5]->elements == 2) EXPECT_BULK(r[5]->element[1], "1");
  EXPECT_INT(r[6], 2);
  for (int i = 0; i < 7; i++) {
    if (r[i]) freeReplyObject(r[i]);
  }
  EndCase("pipeline: every reply type in one batch, an error in the middle");
}

static void TestPipelineAcrossConnections(redisContext* c, int port) {
  // A blocked pipeline: BLPOP waits, the commands behind it wait too, until another client
  // pushes.
  struct timeval tv = {5, 0};
  redisContext* other = redisConnectWithTimeout("127.0.0.1", port, tv);
  EXPECT(other && !other->err, "second connection: %s", other ? other->errstr : "no memory");
  if (!other || other->err) {
    if (other) redisFree(other);
    EndCase("pipeline: commands queued behind a blocking pop");
    return;
  }
  redisAppendCommand(c, "BLPOP %s %s", "jobs", "20");
  redisAppendCommand(c, "LLEN %s", "jobs");
  // Send without reading: redisBufferWrite until the output buffer is flushed.
  int done = 0;
  while (!done && redisBufferWrite(c, &done) == REDIS_OK) {
  }
  // Wait until the server counts the client as blocked (each INFO is one round trip).
  bool blocked = false;
  for (int i = 0; i < 100000 && !blocked; i++) {
    redisReply* info = Cmd(other, "INFO %s", "clients");
    blocked = info && info->str && strstr(info->str, "blocked_clients:1\r\n");
    if (info) freeReplyObject(info);
  }
  EXPECT(blocked, "the first connection never blocked");
  redisReply* r = Cmd(other, "RPUSH %s %s %s", "jobs", "j1", "j2");
  EXPECT_INT(r, 2);
  freeReplyObject(r);
  redisReply* popped = NULL;
  redisReply* len = NULL;
  EXPECT(redisGetReply(c, (void**)&popped) == REDIS_OK, "%s", c->errstr);
  EXPECT(redisGetReply(c, (void**)&len) == REDIS_OK, "%s", c->errstr);
  EXPECT(IsType(popped, REDIS_REPLY_ARRAY) && popped->elements == 2, DESCRIBE(popped));
  if (IsType(popped, REDIS_REPLY_ARRAY) && popped->elements == 2) {
    EXPECT_BULK(popped->element[0], "jobs");
    EXPECT_BULK(popped->element[1], "j1");
  }
  EXPECT_INT(len, 1);
  if (popped) freeReplyObject(popped);
  if (len) freeReplyObject(len);
  redisFree(other);
  EndCase("pipeline: commands queued behind a blocking pop");
}

// ---- main ------------------------------------------------------------------------------------

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char* binary = argc > 1 ? argv[1] : getenv("KVD_BINARY");
  if (!binary) {
    fprintf(stderr, "usage: %s KVD_BINARY\n", argv[0]);
    return 2;
  }
  printf("hiredis: hiredis %d.%d.%d against %s\n", HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH,
         binary);
  Server server;
  bool started = StartServer(&server, binary);
  if (started) {
    struct timeval tv = {5, 0};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", server.port, tv);
    if (!c || c->err) {
      printf("  FAIL  connect: %s\n", c ? c->errstr : "no memory");
      failed_++;
    } else {
      // Replies may take a while under ASan, never forever.
      struct timeval timeout = {30, 0};
      redisSetTimeout(c, timeout);
      void (*tests[])(redisContext*) = {TestStatusAndBulk, TestBinarySafe, TestIntegerAndNil,
                                        TestArrays,        TestErrors,     TestPipelineDepth,
                                        TestPipelineMixedReplies};
      for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        Do(c, "FLUSHALL");
        tests[i](c);
      }
      Do(c, "FLUSHALL");
      TestPipelineAcrossConnections(c, server.port);
    }
    if (c) redisFree(c);
  }
  int status = StopServer(&server);
  if (!started) {
    failed_++;
    printf("  FAIL  server: did not start\n");
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    passed_++;
    printf("  ok    server: clean shutdown (exit 0)\n");
  } else {
    failed_++;
    printf("  FAIL  server: status %d on SIGTERM; log:\n%.*s\n", status, (int)server.log_len,
           server.log);
  }
  printf("hiredis: RESP3 not tested: hiredis %d.%d speaks RESP2 only\n", HIREDIS_MAJOR,
         HIREDIS_MINOR);
  printf("hiredis: %d passed, %d failed\n", passed_, failed_);
  return failed_ ? 1 : 0;
}

#include "server/net/server.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/store.h"
#include "protocol/reply_writer.h"
#include "server/command.h"
#include "server/acl/acl.h"
#include "server/aof/aof.h"
#include "server/blocking.h"
#include "server/cgroup_memory.h"
#include "server/dispatcher.h"
#include "server/errors.h"
#include "server/linux_process.h"
#include "server/memory_figures.h"
#include "server/net/cron.h"
#include "server/net/listener.h"
#include "server/net/logging.h"
#include "server/net/master_link.h"
#include "server/net/metrics_server.h"
#include "server/net/net_context.h"
#include "server/net/tls_context.h"
#include "server/persistence.h"
#include "server/replication/replication.h"
#include "server/scripting/busy_reply.h"
#include "server/scripting/scripting.h"
#include "server/server_state.h"
#include "server/supervision.h"
#include "server/startup_load.h"

namespace kvd::net {
namespace {

// One I/O thread (the default): Asio then skips cross-thread work on its own queue, and the
// locks around each socket's operations, as every socket is used on that thread alone (the
// other threads, saving and logging, only post to the store strand). Several: full locking.
int ConcurrencyHint(int io_threads) {
  return io_threads == 1 ? ASIO_CONCURRENCY_HINT_UNSAFE_IO : io_threads;
}

}  // namespace

// Members are destroyed in reverse order: the listeners, cron and signals first, then the
// io_context (which destroys the connections its pending handlers hold), then the store.
struct Server::Impl {
  Impl(Config& cfg, std::string exe)
      : config(cfg),
        store(static_cast<size_t>(cfg.values().databases)),
        state(config, store, table, clock),
        dispatcher(state),
        io(ConcurrencyHint(cfg.values().io_threads)),
        store_strand(asio::make_strand(io)),
        net{io, store_strand, state, dispatcher},
        cron(net),
        signals(io, SIGINT, SIGTERM),
        shutdown_timer(io) {
    signals.add(SIGHUP);
    state.executable = std::move(exe);
  }

  void WaitForSignal();
  // SIGINT/SIGTERM: shut down as SHUTDOWN would; a second SIGINT exits at once.
  void OnShutdownSignal(int signo);
  // A busy script holding up a signalled shutdown is stopped once shutdown-timeout passes
  // (server/scripting/busy_reply.h); checked again every 100 ms until the shutdown is done.
  void WatchShutdown(std::chrono::steady_clock::time_point deadline);
  // On the store strand: waits for lagging replicas first (unless NOW), then saves when
  // asked to and stops the loop. A failed save keeps the server running (false), as Redis
  // does, unless the shutdown is NOSAVE or FORCE. True while it waits for replicas.
  bool Shutdown(const ShutdownRequest& request, std::string_view reason);
  bool FinishShutdown(const ShutdownRequest& request);
  // As Redis 7: writes pause and replicas are asked for their offset; the shutdown goes on
  // once every replica has the whole stream, or after shutdown-timeout seconds.
  void WaitForReplicas(const ShutdownRequest& request);
  void CheckReplicas(std::chrono::steady_clock::time_point deadline);
  void EndReplicaWait();
  // SHUTDOWN ABORT while waiting for replicas.
  bool AbortShutdown();
  // A SHUTDOWN that failed: the client that sent it gets the error and goes on.
  void AnswerFailedShutdown(uint64_t client_id);
  // On the store strand: stops the loop without saving; Run returns exit code 1.
  void Abort(const std::string& reason);
  std::string WritePidFile();

  Config& config;
  SystemClock clock;
  Store store;
  CommandTable table;
  ServerState state;
  Dispatcher dispatcher;

  asio::io_context io;
  StoreStrand store_strand;
  NetContext net;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::unique_ptr<MetricsServer> metrics;  // the Prometheus endpoint, when metrics-port is set
  Cron cron;
  asio::signal_set signals;
  asio::steady_timer shutdown_timer;
  // A shutdown waiting for its replicas: the request and every SHUTDOWN client waiting for
  // its outcome. The timer runs on the store strand.
  std::optional<ShutdownRequest> replica_wait;
  std::vector<uint64_t> replica_wait_clients;
  asio::steady_timer replica_wait_timer{store_strand};
  // A signal asked for a shutdown that has not happened yet (Redis's shutdown_asap).
  std::atomic<bool> shutdown_pending{false};
  // SHUTDOWN NOSAVE (or a stopped script that had written) came while a shutdown that would
  // save was already queued: that one must not save the script's half-done writes.
  std::atomic<bool> force_nosave{false};
  // Destroyed before the loop: cancels a load still running and joins its thread.
  std::unique_ptr<StartupLoad> startup_load;
  // Destroyed before the loop too: its writer thread posts to the store strand.
  Aof aof{state};
  // Replication, both roles; its link to a master (replica side) lives on the loop, so it is
  // destroyed before the loop.
  Replication replication{state};
  bool pidfile_written = false;
  std::atomic<bool> stopping{false};
  int exit_code = 0;
};

Server::Server(Config& config, std::string executable)
    : impl_(std::make_unique<Impl>(config, std::move(executable))) {
  RegisterAllCommands(impl_->table);
  impl_->table.Freeze();
}

Server::~Server() = default;

std::string Server::Impl::WritePidFile() {
  const std::string& path = config.values().pidfile;
  if (path.empty()) return "";
  std::ofstream f(path, std::ios::trunc);
  if (!f || !(f << getpid() << "\n") || !f.flush()) return "Failed to write PID file: " + path;
  pidfile_written = true;
  return "";
}

std::string Server::Start() {
  Impl& s = *impl_;
  const ConfigValues& cfg = s.config.values();
  // ACL users from the config file or the aclfile: a bad one refuses startup, as in Redis.
  if (std::string err = s.state.acl->LoadAtStartup(cfg); !err.empty()) return err;

  // TLS first, as Redis: unusable certificates stop the server before it listens.
  std::shared_ptr<asio::ssl::context> tls;
  if (cfg.tls_port != 0) {
    TlsContextResult made = MakeTlsContext(cfg);
    if (!made.context) {
      spdlog::warn("{}", made.error);
      return "Failed to configure TLS. Check logs for more info.";
    }
    tls = std::move(made.context);
  }

  // Bind every address; with port 0 the first one picks a free port and the rest use it.
  // Returns the port bound (0 if none) or sets `err`.
  std::vector<std::string> binds = cfg.bind;
  if (binds.empty()) binds = {"*", "-::*"};
  auto bind_all = [&](int port, const std::shared_ptr<asio::ssl::context>& ctx,
                      std::string& err) {
    const char* kind = ctx ? "TLS" : "TCP";
    size_t bound = 0;
    for (const std::string& b : binds) {
      bool optional = !b.empty() && b[0] == '-';
      std::string address = optional ? b.substr(1) : b;
      auto listener = std::make_unique<Listener>(s.net, ctx);
      std::string why = listener->Bind(address, port, cfg.tcp_backlog);
      if (!why.empty()) {
        std::string msg = std::string("Could not create server ") + kind +
                          " listening socket " + address + ":" + std::to_string(port) + ": " +
                          why;
        if (optional) {
          spdlog::warn("Warning: {}", msg);
          continue;
        }
        err = msg;
        return 0;
      }
      port = listener->port();
      s.listeners.push_back(std::move(listener));
      ++bound;
    }
    if (bound == 0) {
      err = "Failed listening on port " + std::to_string(port) + " (" + (ctx ? "tls" : "tcp") +
            "), aborting.";
      return 0;
    }
    return port;
  };
  // As Redis, `port 0` with a tls-port means no plain TCP listener; without a tls-port it
  // picks a free port (what the tests and `kvd --port 0` rely on).
  int port = 0;
  if (cfg.port != 0 || cfg.tls_port == 0) {
    std::string err;
    port = bind_all(cfg.port, nullptr, err);
    if (!err.empty()) return err;
  }
  if (tls) {
    std::string err;
    bind_all(cfg.tls_port, tls, err);
    if (!err.empty()) return err;
  }
  if (!cfg.unixsocket.empty()) {
    auto listener = std::make_unique<Listener>(s.net);
    if (std::string why = listener->BindUnix(cfg.unixsocket, cfg.unixsocketperm,
                                             cfg.tcp_backlog);
        !why.empty()) {
      return "Failed opening Unix socket: " + why;
    }
    s.listeners.push_back(std::move(listener));
  }
  s.state.tcp_port = port;
  spdlog::info("Running mode=standalone, port={}.", port != 0 ? port : cfg.tls_port);
  if (tls) spdlog::info("TLS enabled on port {}.", cfg.tls_port);
  if (cfg.metrics_port != 0) {
    s.metrics = std::make_unique<MetricsServer>(s.net);
    if (std::string err = s.metrics->Bind(cfg.metrics_bind, cfg.metrics_port); !err.empty()) {
      return "Could not create the metrics listening socket " + cfg.metrics_bind + ":" +
             std::to_string(cfg.metrics_port) + ": " + err;
    }
    spdlog::info("Metrics endpoint on http://{}:{}/metrics", cfg.metrics_bind, s.metrics->port());
  }
  if (std::string warning = CgroupMemoryWarning(CgroupMemoryLimit(), cfg.maxmemory);
      !warning.empty()) {
    spdlog::warn("{}", warning);
  }

  if (std::string err = s.WritePidFile(); !err.empty()) spdlog::warn("{}", err);
  for (const std::string& line : s.config.IneffectiveSettings()) spdlog::info("{}", line);
  for (const std::string& err : {ApplyThpSetting(cfg), ApplyOomScoreAdj(cfg)}) {
    if (!err.empty()) spdlog::warn("{}", err);
  }

  // CONFIG SET runs on the store strand, where the cron's timer lives too.
  s.config.OnChange([&s](std::string_view name) {
    if (name == "loglevel") SetLogLevel(s.config.values().loglevel);
    if (name == "hz") s.cron.Reschedule();
    s.aof.OnConfigChange(name);
    s.replication.OnConfigChange(name);
  });
  s.state.aof = &s.aof;
  s.state.replication = &s.replication;
  // A failover pauses writes as CLIENT PAUSE WRITE does.
  s.replication.client_pause = &s.dispatcher.pause();
  // The replica side's link to a master (server/net/master_link.h).
  s.replication.make_master_link = [&s](const std::string& host, int port) {
    return MakeMasterLink(s.net, host, port);
  };
  s.state.post = [&s](std::function<void()> fn) { asio::post(s.store_strand, std::move(fn)); };
  // A slow script runs the network's handlers from its hook, so connections answer -BUSY and
  // pass SCRIPT KILL on even with one I/O thread; the store strand's own handlers wait.
  s.state.script_run.process_events = [&s] { s.io.poll(); };
  s.state.abort_shutdown = [&s] { return s.AbortShutdown(); };
  s.state.request_shutdown = [&s](const ShutdownRequest& request) {
    if (request.mode == ShutdownMode::kNoSave) s.force_nosave = true;
    // After the current batch (and its replies) on the store strand.
    asio::post(s.store_strand, [&s, request] {
      if (!s.Shutdown(request, "User requested shutdown...")) {
        s.AnswerFailedShutdown(request.client_id);
      }
    });
  };

  spdlog::info("Server initialized");
  // Redis's initial_memory_usage: what MEMORY STATS counts as overhead before any data.
  s.state.used_memory_startup = MeasureMemory(s.state).used;
  // The dataset loads in the background while clients connect (and get -LOADING); a
  // damaged file stops the server before it ever serves without its data.
  if (cfg.appendonly) {
    // The append-only file holds the dataset (dump.rdb is not read then, as in Redis 7). A
    // missing file or a bad manifest stops startup at once; damage found while replaying
    // stops the server then.
    std::string err = s.aof.StartLoad([&s](const std::string& err) {
      if (!err.empty()) s.Abort("Fatal error loading the DB: " + err + ". Exiting.");
    });
    if (!err.empty()) return "Fatal error loading the DB: " + err + ". Exiting.";
  } else {
    s.startup_load = std::make_unique<StartupLoad>(s.state);
    s.startup_load->Start([&s](const std::string& err) {
      if (!err.empty()) s.Abort("Fatal error loading the DB: " + err + ". Exiting.");
    });
  }
  s.state.last_save_time = s.clock.NowMs() / 1000;
  // `replicaof` in the config: the link connects once the dataset has loaded.
  s.replication.StartFromConfig();
  return "";
}

void Server::Impl::WaitForSignal() {
  signals.async_wait([this](std::error_code ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      // For log rotation: the file was moved away; write to a new one at the same path.
      if (std::string err = ReopenLogFile(); !err.empty()) {
        spdlog::warn("Received SIGHUP, but the log file could not be reopened: {}", err);
      } else {
        spdlog::info("Received SIGHUP, log file reopened");
      }
    } else {
      OnShutdownSignal(signo);
    }
    WaitForSignal();
  });
}

void Server::Impl::OnShutdownSignal(int signo) {
  if (shutdown_pending.exchange(true) && signo == SIGINT) {
    // As Redis: the operator insists. Nothing is saved; the files on disk stay as they were
    // (every write to them goes through a temporary file and a rename).
    spdlog::warn("You insist... exiting now.");
    spdlog::default_logger()->flush();
    std::_Exit(1);
  }
  const char* name = signo == SIGINT ? "SIGINT" : "SIGTERM";
  if (state.loading) {
    spdlog::warn("Received shutdown signal during loading, scheduling shutdown.");
  } else {
    spdlog::warn("Received {} scheduling shutdown...", name);
  }
  asio::post(store_strand, [this, signo] {
    // shutdown-on-sigint / shutdown-on-sigterm; NOW changes nothing without replicas.
    const ConfigValues& cfg = config.values();
    const int flags = signo == SIGINT ? cfg.shutdown_on_sigint : cfg.shutdown_on_sigterm;
    ShutdownRequest request;
    if (flags & kShutdownOnSave) request.mode = ShutdownMode::kSave;
    if (flags & kShutdownOnNoSave) request.mode = ShutdownMode::kNoSave;
    request.force = (flags & kShutdownOnForce) != 0;
    request.now = (flags & kShutdownOnNow) != 0;
    if (!Shutdown(request, "")) shutdown_pending = false;  // failed: the next signal tries again
  });
  const int timeout = config.values().shutdown_timeout;
  WatchShutdown(std::chrono::steady_clock::now() + std::chrono::seconds(timeout));
}

void Server::Impl::WatchShutdown(std::chrono::steady_clock::time_point deadline) {
  const auto now = std::chrono::steady_clock::now();
  if (now >= deadline && state.script_run.busy.load()) {
    spdlog::warn("A script is still running past shutdown-timeout: stopping it to shut down.");
    StopScriptForShutdown(state);
  }
  shutdown_timer.expires_at(std::max(deadline, now + std::chrono::milliseconds(100)));
  shutdown_timer.async_wait([this, deadline](std::error_code ec) {
    if (ec || stopping || !shutdown_pending.load()) return;
    WatchShutdown(deadline);
  });
}

bool Server::Impl::Shutdown(const ShutdownRequest& request, std::string_view reason) {
  if (stopping) return true;
  if (!reason.empty()) spdlog::warn("{}", reason);
  if (replica_wait) {
    // A second SHUTDOWN joins the wait; with NOW it ends the wait at once.
    if (request.client_id != 0) replica_wait_clients.push_back(request.client_id);
    if (!request.now) return true;
    EndReplicaWait();
  } else if (!request.now && config.values().shutdown_timeout > 0 &&
             !replication.ReplicasCaughtUp()) {
    WaitForReplicas(request);
    return true;
  }
  return FinishShutdown(request);
}

void Server::Impl::WaitForReplicas(const ShutdownRequest& request) {
  spdlog::info("Waiting for replicas before shutting down.");
  replica_wait = request;
  replica_wait_clients.clear();
  if (request.client_id != 0) replica_wait_clients.push_back(request.client_id);
  const int timeout = config.values().shutdown_timeout;
  dispatcher.pause().Pause(ClientPause::Purpose::kShutdown, ClientPause::Mode::kWrite,
                           clock.NowMs() + timeout * 1000LL);
  replication.RequestAcks();
  CheckReplicas(std::chrono::steady_clock::now() + std::chrono::seconds(timeout));
}

void Server::Impl::CheckReplicas(std::chrono::steady_clock::time_point deadline) {
  replica_wait_timer.expires_after(std::chrono::milliseconds(10));
  replica_wait_timer.async_wait([this, deadline](std::error_code ec) {
    if (ec || !replica_wait) return;
    const bool timed_out = std::chrono::steady_clock::now() >= deadline;
    if (!replication.ReplicasCaughtUp(timed_out) && !timed_out) return CheckReplicas(deadline);
    const ShutdownRequest request = *replica_wait;
    const std::vector<uint64_t> waiting = replica_wait_clients;
    EndReplicaWait();
    if (FinishShutdown(request)) return;
    for (uint64_t id : waiting) AnswerFailedShutdown(id);
    shutdown_pending = false;
  });
}

void Server::Impl::EndReplicaWait() {
  replica_wait.reset();
  replica_wait_timer.cancel();
  dispatcher.pause().Unpause(ClientPause::Purpose::kShutdown);
  dispatcher.Cron(clock.NowMs());  // runs the writes the pause held
}

bool Server::Impl::AbortShutdown() {
  if (!replica_wait) return false;
  spdlog::warn("Shutdown manually aborted.");
  const std::vector<uint64_t> waiting = replica_wait_clients;
  EndReplicaWait();
  for (uint64_t id : waiting) AnswerFailedShutdown(id);
  shutdown_pending = false;
  return true;
}

bool Server::Impl::FinishShutdown(const ShutdownRequest& request) {
  // The log is flushed first, as Redis does; one still writing its first base holds no
  // dataset yet, so the server stays up (unless FORCE).
  if (!aof.PrepareShutdown(request.force)) {
    spdlog::warn("Errors trying to shut down the server. Check the logs for more information.");
    return false;
  }
  const ConfigValues& cfg = config.values();
  ShutdownMode mode = force_nosave ? ShutdownMode::kNoSave : request.mode;
  bool save = mode == ShutdownMode::kSave || (mode == ShutdownMode::kDefault && !cfg.save.empty());
  if (state.loading) {
    // As Redis: never save a dataset that is not fully loaded over the file.
    save = false;
    if (startup_load) startup_load->Cancel();
    aof.CancelLoad();
  }
  if (state.script_run.engine) state.script_run.engine->KillDebugSessions();
  if (state.background_snapshot->running()) {
    // The final save below replaces what it was writing; its temporary file is removed.
    spdlog::warn("There is a background save in progress. Stopping it!");
    state.background_snapshot->Abort();
    state.rdb_bgsave_in_progress = false;
  }
  if (save) {
    spdlog::info("Saving the final RDB snapshot before exiting.");
    if (!SaveServerSnapshot(state).empty()) {
      if (!request.force) {
        spdlog::warn("Error trying to save the DB, can't exit.");
        spdlog::warn("Errors trying to shut down the server. Check the logs for more information.");
        return false;
      }
      spdlog::warn("Error trying to save the DB. Exit anyway.");
    }
  }
  if (pidfile_written) {
    spdlog::info("Removing the pid file.");
    std::remove(cfg.pidfile.c_str());
  }
  stopping = true;
  NotifyStopping(FindSupervisor(cfg.supervised));
  spdlog::warn("kvd is now ready to exit, bye bye...");
  // Stop serving: the loop returns, and the connections close as the Server is destroyed.
  io.stop();
  return true;
}

void Server::Impl::AnswerFailedShutdown(uint64_t client_id) {
  auto it = state.clients.find(client_id);
  if (it == state.clients.end()) return;  // none waits, or it left meanwhile
  ClientState& client = *it->second;
  client.blocked = false;
  state.CountError(client, kShutdownErr);
  std::string reply;
  ReplyWriter(reply, client.resp).Error(kShutdownErr);
  ResumeClient(state, client, std::move(reply));
}

void Server::Impl::Abort(const std::string& reason) {
  if (stopping) return;
  spdlog::warn("{}", reason);
  if (pidfile_written) std::remove(config.values().pidfile.c_str());
  stopping = true;
  exit_code = 1;
  io.stop();
}

int Server::Run() {
  Impl& s = *impl_;
  std::signal(SIGPIPE, SIG_IGN);
  s.WaitForSignal();
  for (auto& l : s.listeners) l->StartAccepting();
  if (s.metrics) s.metrics->StartAccepting();
  s.cron.Start();
  // One line per kind of listener, as Redis 7.2.
  const ConfigValues& cfg = s.config.values();
  if (s.state.tcp_port != 0) spdlog::info("Ready to accept connections tcp");
  if (cfg.tls_port != 0) spdlog::info("Ready to accept connections tls");
  if (!cfg.unixsocket.empty()) spdlog::info("Ready to accept connections unix");
  NotifyReady(FindSupervisor(cfg.supervised));

  std::vector<std::thread> threads;
  for (int i = 1; i < s.config.values().io_threads; ++i) threads.emplace_back([&s] { s.io.run(); });
  s.io.run();
  for (auto& t : threads) t.join();
  spdlog::default_logger()->flush();
  return s.exit_code;
}

}  // namespace kvd::net

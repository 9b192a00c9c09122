#include "server/net/server.h"

#include <unistd.h>

#include <cstdio>
#include <csignal>
#include <fstream>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/store.h"
#include "server/command.h"
#include "server/aof/aof.h"
#include "server/cgroup_memory.h"
#include "server/dispatcher.h"
#include "server/net/cron.h"
#include "server/net/listener.h"
#include "server/net/logging.h"
#include "server/net/metrics_server.h"
#include "server/net/net_context.h"
#include "server/persistence.h"
#include "server/server_state.h"
#include "server/startup_load.h"

namespace kvd::net {

// Members are destroyed in reverse order: the listeners, cron and signals first, then the
// io_context (which destroys the connections its pending handlers hold), then the store.
struct Server::Impl {
  Impl(Config& cfg, std::string exe)
      : config(cfg),
        store(static_cast<size_t>(cfg.values().databases)),
        state(config, store, table, clock),
        dispatcher(state),
        store_strand(asio::make_strand(io)),
        net{io, store_strand, state, dispatcher},
        cron(net),
        signals(io, SIGINT, SIGTERM) {
    state.executable = std::move(exe);
  }

  void WaitForSignal();
  // On the store strand: saves when asked to, then stops the loop. A failed save keeps the
  // server running, as Redis does, unless the shutdown is NOSAVE.
  void Shutdown(ShutdownMode mode, std::string_view reason);
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
  // Destroyed before the loop: cancels a load still running and joins its thread.
  std::unique_ptr<StartupLoad> startup_load;
  // Destroyed before the loop too: its writer thread posts to the store strand.
  Aof aof{state};
  bool pidfile_written = false;
  bool stopping = false;
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

  // Bind every address; with port 0 the first one picks a free port and the rest use it.
  std::vector<std::string> binds = cfg.bind;
  if (binds.empty()) binds = {"*", "-::*"};
  int port = cfg.port;
  for (const std::string& b : binds) {
    bool optional = !b.empty() && b[0] == '-';
    std::string address = optional ? b.substr(1) : b;
    auto listener = std::make_unique<Listener>(s.net);
    std::string err = listener->Bind(address, port, cfg.tcp_backlog);
    if (!err.empty()) {
      std::string msg = "Could not create server TCP listening socket " + address + ":" +
                        std::to_string(port) + ": " + err;
      if (optional) {
        spdlog::warn("Warning: {}", msg);
        continue;
      }
      return msg;
    }
    port = listener->port();
    s.listeners.push_back(std::move(listener));
  }
  if (s.listeners.empty()) {
    return "Failed listening on port " + std::to_string(cfg.port) + " (tcp), aborting.";
  }
  s.state.tcp_port = port;
  spdlog::info("Running mode=standalone, port={}.", port);
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

  // CONFIG SET runs on the store strand, where the cron's timer lives too.
  s.config.OnChange([&s](std::string_view name) {
    if (name == "loglevel") SetLogLevel(s.config.values().loglevel);
    if (name == "hz") s.cron.Reschedule();
    s.aof.OnConfigChange(name);
  });
  s.state.aof = &s.aof;
  s.state.post = [&s](std::function<void()> fn) { asio::post(s.store_strand, std::move(fn)); };
  // A slow script runs the network's handlers from its hook, so connections answer -BUSY and
  // pass SCRIPT KILL on even with one I/O thread; the store strand's own handlers wait.
  s.state.script_run.process_events = [&s] { s.io.poll(); };
  s.state.request_shutdown = [&s](ShutdownMode mode) {
    // After the current batch (and its replies) on the store strand.
    asio::post(s.store_strand, [&s, mode] { s.Shutdown(mode, "User requested shutdown..."); });
  };

  spdlog::info("Server initialized");
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
  return "";
}

void Server::Impl::WaitForSignal() {
  signals.async_wait([this](std::error_code ec, int signo) {
    if (ec) return;
    const char* name = signo == SIGINT ? "SIGINT" : "SIGTERM";
    spdlog::warn("Received {} scheduling shutdown...", name);
    asio::post(store_strand, [this] { Shutdown(ShutdownMode::kDefault, ""); });
    WaitForSignal();
  });
}

void Server::Impl::Shutdown(ShutdownMode mode, std::string_view reason) {
  if (stopping) return;
  if (!reason.empty()) spdlog::warn("{}", reason);
  // The log is flushed first, as Redis does; one still writing its first base holds no
  // dataset yet, so the server stays up.
  if (!aof.PrepareShutdown()) {
    spdlog::warn("Errors trying to shut down the server. Check the logs for more information.");
    return;
  }
  const ConfigValues& cfg = config.values();
  bool save = mode == ShutdownMode::kSave || (mode == ShutdownMode::kDefault && !cfg.save.empty());
  if (state.loading) {
    // As Redis: never save a dataset that is not fully loaded over the file.
    save = false;
    if (startup_load) startup_load->Cancel();
    aof.CancelLoad();
  }
  if (state.background_snapshot->running()) {
    // The final save below replaces what it was writing; its temporary file is removed.
    spdlog::warn("There is a background save in progress. Stopping it!");
    state.background_snapshot->Abort();
    state.rdb_bgsave_in_progress = false;
  }
  if (save) {
    spdlog::info("Saving the final RDB snapshot before exiting.");
    if (!SaveServerSnapshot(state).empty()) {
      spdlog::warn("Errors trying to shut down the server. Check the logs for more information.");
      return;
    }
  }
  if (pidfile_written) {
    spdlog::info("Removing the pid file.");
    std::remove(cfg.pidfile.c_str());
  }
  stopping = true;
  spdlog::warn("kvd is now ready to exit, bye bye...");
  // Stop serving: the loop returns, and the connections close as the Server is destroyed.
  io.stop();
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
  spdlog::info("Ready to accept connections tcp");

  std::vector<std::thread> threads;
  for (int i = 1; i < s.config.values().io_threads; ++i) threads.emplace_back([&s] { s.io.run(); });
  s.io.run();
  for (auto& t : threads) t.join();
  spdlog::default_logger()->flush();
  return s.exit_code;
}

}  // namespace kvd::net

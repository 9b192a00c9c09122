#include "server/net/logging.h"

#include <atomic>
#include <mutex>

#include <spdlog/details/file_helper.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace kvd::net {
namespace {

// Redis's level marks: '.' debug, '-' verbose, '*' notice, '#' warning.
class LevelMark final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char c = '#';
    switch (msg.level) {
      case spdlog::level::trace: c = '.'; break;
      case spdlog::level::debug: c = '-'; break;
      case spdlog::level::info: c = '*'; break;
      default: break;
    }
    dest.push_back(c);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelMark>();
  }
};

// Redis's role mark: 'M' for a master, 'S' for a replica.
std::atomic<char> role_mark{'M'};

class RoleMark final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    dest.push_back(role_mark.load(std::memory_order_relaxed));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RoleMark>();
  }
};

// The logfile, reopened by name on SIGHUP (spdlog's basic_file_sink cannot reopen).
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(const std::string& path) { file_.open(path, /*truncate=*/false); }

  void Reopen() {
    std::lock_guard<std::mutex> lock(mutex_);
    file_.reopen(/*truncate=*/false);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    file_.write(formatted);
  }
  void flush_() override { file_.flush(); }

 private:
  spdlog::details::file_helper file_;
};

std::shared_ptr<ReopenableFileSink> log_file;  // null when logging to standard output

spdlog::level::level_enum ToSpdlog(std::string_view level) {
  if (level == "debug") return spdlog::level::trace;
  if (level == "verbose") return spdlog::level::debug;
  if (level == "notice") return spdlog::level::info;
  if (level == "warning") return spdlog::level::warn;
  return spdlog::level::off;
}

}  // namespace

std::string SetupLogging(const ConfigValues& config) {
  spdlog::sink_ptr sink;
  try {
    if (config.logfile.empty()) {
      sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    } else {
      log_file = std::make_shared<ReopenableFileSink>(config.logfile);
      sink = log_file;
    }
  } catch (const spdlog::spdlog_ex& e) {
    return std::string("Can't open the log file: ") + e.what();
  }
  auto logger = std::make_shared<spdlog::logger>("kvd", sink);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelMark>('q').add_flag<RoleMark>('k').set_pattern(
      "%P:%k %d %b %Y %H:%M:%S.%e %q %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(ToSpdlog(config.loglevel));
  // Every line reaches the file (or pipe) at once: tests and operators wait for them.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return "";
}

void SetLogRole(bool replica) { role_mark.store(replica ? 'S' : 'M', std::memory_order_relaxed); }

void SetLogLevel(std::string_view redis_level) {
  spdlog::default_logger()->set_level(ToSpdlog(redis_level));
}

std::string ReopenLogFile() {
  if (!log_file) return "";
  try {
    log_file->Reopen();
  } catch (const spdlog::spdlog_ex& e) {
    return e.what();
  }
  return "";
}

}  // namespace kvd::net

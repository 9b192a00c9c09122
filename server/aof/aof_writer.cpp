#include "server/aof/aof_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "server/aof/aof_files.h"

namespace kvd {
namespace {

constexpr auto kFsyncInterval = std::chrono::seconds(1);
constexpr auto kRetryInterval = std::chrono::seconds(1);

// Under appendfsync always a reply may already promise durability: the only safe answer to
// a write or fsync that failed is to stop, as Redis does.
[[noreturn]] void ExitOnAlwaysFailure(std::string_view what, int err) {
  spdlog::critical("{} when the AOF fsync policy is 'always': {}. Exiting...", what,
                   std::strerror(err));
  spdlog::default_logger()->flush();
  ::_exit(1);
}

}  // namespace

std::optional<AofFsync> ParseAofFsync(std::string_view name) {
  if (EqualsIgnoreCase(name, "always")) return AofFsync::kAlways;
  if (EqualsIgnoreCase(name, "everysec")) return AofFsync::kEverySec;
  if (EqualsIgnoreCase(name, "no")) return AofFsync::kNo;
  return std::nullopt;
}

AofWriter::~AofWriter() { Close(); }

void AofWriter::Start(int fd, std::string path, uint64_t size) {
  Close();
  fd_ = fd;
  path_ = std::move(path);
  file_size_ = size;
  close_error_.clear();
  last_fsync_ = SteadyClock::now();
  {
    std::lock_guard lk(mu_);
    stop_ = false;
    // What a failing disk kept from a previous file is not this file's.
    items_.clear();
    waiters_.clear();
    written_ = queued_.load();
    synced_ = queued_.load();
    last_errno_ = 0;
  }
  thread_ = std::thread([this] { Run(); });
}

void AofWriter::Enqueue(Item item) {
  {
    std::lock_guard lk(mu_);
    if (!item.op) {
      queued_ += item.data.size();
      if (!items_.empty() && !items_.back().op) {
        items_.back().data.append(item.data);
        return;  // the thread is already due to wake for the block it extends
      }
    }
    items_.push_back(std::move(item));
  }
  cv_.notify_one();
}

void AofWriter::Append(std::string_view bytes) {
  if (bytes.empty()) return;
  Enqueue(Item{std::string(bytes), nullptr});
}

void AofWriter::SwitchTo(std::string path, std::function<std::string()> prepare, Done done) {
  auto op = [this, path = std::move(path), prepare = std::move(prepare),
             done = std::move(done)] {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
                          0644);
    if (fd < 0) return done(FileError("Can't open the append-only file", path));
    if (prepare) {
      if (std::string err = prepare(); !err.empty()) {
        ::close(fd);
        return done(err);
      }
    }
    // What went to the old file is made durable before it is closed, whatever the policy.
    MaybeFsync(/*force=*/true);
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    path_ = path;
    file_size_ = 0;
    done("");
  };
  Enqueue(Item{{}, std::move(op)});
}

void AofWriter::RunInOrder(std::function<std::string()> op, Done done) {
  Enqueue(Item{{}, [op = std::move(op), done = std::move(done)] { done(op()); }});
}

bool AofWriter::WhenDurable(std::function<void()> then) {
  {
    std::lock_guard lk(mu_);
    if (synced_.load() >= queued_.load()) return false;
    waiters_.push_back({queued_.load(), std::move(then)});
  }
  cv_.notify_one();
  return true;
}

std::string AofWriter::Sync(std::chrono::milliseconds timeout) {
  if (!running()) return "";
  auto result = std::make_shared<std::promise<std::string>>();
  std::future<std::string> f = result->get_future();
  Enqueue(Item{{}, [this, result] {
                 result->set_value(MaybeFsync(/*force=*/true)
                                       ? ""
                                       : "Error fsyncing the AOF file " + path_ + ": " +
                                             std::strerror(last_errno_.load()));
               }});
  // A failing disk is reported at once: the data stays queued for the writer's retries.
  const auto deadline = SteadyClock::now() + timeout;
  while (f.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (last_errno_.load() != 0 || SteadyClock::now() >= deadline) {
      return std::string("Can't write the AOF file: ") +
             std::strerror(last_errno_.load() ? last_errno_.load() : ETIMEDOUT);
    }
  }
  return f.get();
}

std::string AofWriter::Close() {
  if (!thread_.joinable()) return close_error_;
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  return close_error_;
}

void AofWriter::SetError(int err, std::string_view what) {
  if (last_errno_.exchange(err) == 0) {
    spdlog::warn("{} {}: {}", what, path_, std::strerror(err));
  }
  retry_at_ = SteadyClock::now() + kRetryInterval;
}

void AofWriter::ClearError() {
  if (last_errno_.exchange(0) != 0) {
    spdlog::warn("AOF write error looks solved, kvd can write again.");
  }
}

bool AofWriter::WriteBlock(std::string& data, std::vector<Item>& rest, size_t next) {
  if (fd_ < 0) {
    written_ += data.size();
    synced_ = written_.load();
    return true;
  }
  size_t n = WriteFully(fd_, data);
  if (n == data.size()) {
    file_size_ += n;
    written_ += n;
    return true;
  }
  const int err = errno;
  if (policy_.load() == AofFsync::kAlways) ExitOnAlwaysFailure("Can't write the AOF", err);
  // As Redis: take a partial record back off the file, so the retry writes it whole.
  if (n > 0 && ::ftruncate(fd_, static_cast<off_t>(file_size_)) == 0) n = 0;
  file_size_ += n;
  written_ += n;
  SetError(err, "Error writing to the AOF file");
  std::lock_guard lk(mu_);
  std::vector<Item> requeue;
  requeue.push_back(Item{data.substr(n), nullptr});
  for (size_t i = next + 1; i < rest.size(); ++i) requeue.push_back(std::move(rest[i]));
  for (Item& item : items_) requeue.push_back(std::move(item));
  items_ = std::move(requeue);
  return false;
}

bool AofWriter::MaybeFsync(bool force) {
  const uint64_t written = written_.load();
  if (fd_ < 0 || synced_.load() >= written) return true;
  const auto now = SteadyClock::now();
  const AofFsync policy = policy_.load();
  const bool due = force || policy == AofFsync::kAlways ||
                   (policy == AofFsync::kEverySec && now - last_fsync_ >= kFsyncInterval);
  if (!due) return true;
  if (::fdatasync(fd_) != 0) {
    const int err = errno;
    if (policy == AofFsync::kAlways) ExitOnAlwaysFailure("Can't persist the AOF", err);
    SetError(err, "Error fsyncing the AOF file");
    return false;
  }
  synced_ = written;
  last_fsync_ = now;
  return true;
}

void AofWriter::Run() {
  std::vector<Item> batch;
  for (;;) {
    bool stopping = false;
    bool have_waiters = false;
    {
      std::unique_lock lk(mu_);
      auto ready = [&] {
        if (stop_) return true;
        const auto now = SteadyClock::now();
        if (last_errno_.load() != 0 && now < retry_at_) return false;
        if (last_errno_.load() != 0) return true;  // time to retry
        if (!items_.empty() || !waiters_.empty()) return true;
        return synced_.load() < written_.load() &&
               (policy_.load() == AofFsync::kAlways ||
                (policy_.load() == AofFsync::kEverySec && now - last_fsync_ >= kFsyncInterval));
      };
      if (last_errno_.load() != 0) {
        cv_.wait_until(lk, retry_at_, ready);
      } else if (synced_.load() < written_.load() && policy_.load() == AofFsync::kEverySec) {
        cv_.wait_until(lk, last_fsync_ + kFsyncInterval, ready);
      } else {
        cv_.wait(lk, ready);
      }
      batch.swap(items_);
      stopping = stop_;
      have_waiters = !waiters_.empty();
    }
    bool ok = true;
    for (size_t i = 0; i < batch.size() && ok; ++i) {
      if (batch[i].op) {
        batch[i].op();
      } else {
        ok = WriteBlock(batch[i].data, batch, i);
      }
    }
    batch.clear();
    if (ok && MaybeFsync(stopping || have_waiters)) ClearError();

    std::vector<Waiter> done;
    bool finished = false;
    {
      std::lock_guard lk(mu_);
      const uint64_t synced = synced_.load();
      for (size_t i = 0; i < waiters_.size();) {
        if (waiters_[i].offset <= synced) {
          done.push_back(std::move(waiters_[i]));
          waiters_[i] = std::move(waiters_.back());
          waiters_.pop_back();
        } else {
          ++i;
        }
      }
      if (stopping && (items_.empty() || !ok)) {
        if (!ok || last_errno_.load() != 0) {
          close_error_ = "Error writing the AOF file " + path_ + ": " +
                         std::strerror(last_errno_.load());
          spdlog::warn("{} ({} bytes not written)", close_error_,
                       queued_.load() - written_.load());
        }
        finished = true;
      }
    }
    for (Waiter& w : done) w.then();
    if (finished) break;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace kvd

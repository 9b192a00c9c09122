#include "server/aof/aof_base_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/set_value.h"
#include "core/stream_value.h"
#include "core/zset_value.h"
#include "server/aof/aof_files.h"
#include "server/aof/aof_format.h"
#include "server/persistence.h"

namespace kvd {
namespace {

// Redis's AOF_REWRITE_ITEMS_PER_CMD.
constexpr size_t kItemsPerCommand = 64;

// Builds variadic commands (RPUSH key e1 e2 ...), starting a new one every
// kItemsPerCommand items.
class Batcher {
 public:
  Batcher(std::string& out, std::string_view command, std::string_view key, size_t per_item)
      : out_(out), command_(command), key_(key), per_item_(per_item) {}
  ~Batcher() { Emit(); }
  void Add(std::string_view a) {
    args_.emplace_back(a);
    if (args_.size() == kItemsPerCommand * per_item_) Emit();
  }
  void Add(std::string_view a, std::string_view b) {
    args_.emplace_back(a);
    Add(b);
  }

 private:
  void Emit() {
    if (args_.empty()) return;
    std::vector<std::string_view> views = {command_, key_};
    for (const std::string& a : args_) views.push_back(a);
    AppendAofCommand(out_, views);
    args_.clear();
  }
  std::string& out_;
  std::string_view command_;
  std::string_view key_;
  size_t per_item_;
  std::vector<std::string> args_;
};

std::string FormatScore(double score) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", score);
  return std::string(buf, static_cast<size_t>(n));
}

// Redis's rewriteStreamObject: XADD per entry (an empty stream by the XADD MAXLEN 0 trick),
// XSETID for the counters, then per group XGROUP CREATE and, per consumer, XCLAIM of each
// pending entry (or XGROUP CREATECONSUMER for one without any).
void AppendStream(std::string& out, std::string_view key, const StreamValue& s) {
  std::vector<std::string> args;
  const auto emit = [&] {
    std::vector<std::string_view> views(args.begin(), args.end());
    AppendAofCommand(out, views);
    args.clear();
  };
  if (s.size() > 0) {
    s.Range({}, StreamId::Max(), false, 0, [&](const StreamValue::Entry& e) {
      args = {"XADD", std::string(key), e.id().ToString()};
      e.ForEachPair([&](const Elem& f, const Elem& v) {
        args.push_back(f.str());
        args.push_back(v.str());
      });
      emit();
      return true;
    });
  } else {
    args = {"XADD", std::string(key), "MAXLEN", "0", "0-1", "x", "y"};
    emit();
  }
  args = {"XSETID",       std::string(key),         s.last_id().ToString(),
          "ENTRIESADDED", std::to_string(s.entries_added()), "MAXDELETEDID",
          s.max_deleted_id().ToString()};
  emit();
  for (const auto& [name, g] : s.groups()) {
    args = {"XGROUP", "CREATE",      std::string(key),
            std::string(name), g.last_id.ToString(), "ENTRIESREAD",
            std::to_string(g.entries_read)};
    emit();
    for (const auto& [cname, c] : g.consumers) {
      if (c.pending.empty()) {
        args = {"XGROUP", "CREATECONSUMER", std::string(key), std::string(name),
                std::string(cname)};
        emit();
        continue;
      }
      for (StreamId id : c.pending) {
        const StreamPending& p = g.pel.at(id);
        args = {"XCLAIM",   std::string(key),
                std::string(name), std::string(cname),
                "0",        id.ToString(),
                "TIME",     std::to_string(p.delivery_time),
                "RETRYCOUNT", std::to_string(p.delivery_count),
                "JUSTID",   "FORCE"};
        emit();
      }
    }
  }
}

void AppendRecord(std::string& out, const Record& r) {
  const std::string_view key = r.key();
  switch (r.type()) {
    case ValueType::kString: {
      const std::string_view args[] = {"SET", key, r.string_value()};
      AppendAofCommand(out, args);
      break;
    }
    case ValueType::kList: {
      Batcher b(out, "RPUSH", key, 1);
      static_cast<const ListValue*>(r.object())->ForEach([&](std::string_view e) { b.Add(e); });
      break;
    }
    case ValueType::kSet: {
      Batcher b(out, "SADD", key, 1);
      static_cast<const SetValue*>(r.object())->ForEach([&](std::string_view m) { b.Add(m); });
      break;
    }
    case ValueType::kZSet: {
      Batcher b(out, "ZADD", key, 2);
      static_cast<const ZSetValue*>(r.object())->ForEach(
          [&](std::string_view member, double score) { b.Add(FormatScore(score), member); });
      break;
    }
    case ValueType::kHash: {
      Batcher b(out, "HMSET", key, 2);
      static_cast<const HashValue*>(r.object())->ForEach(
          [&](std::string_view field, std::string_view value) { b.Add(field, value); });
      break;
    }
    case ValueType::kStream:
      AppendStream(out, key, *static_cast<const StreamValue*>(r.object()));
      break;
  }
  if (r.has_expiry()) {
    const std::string at = std::to_string(r.expire_at_ms());
    const std::string_view args[] = {"PEXPIREAT", key, at};
    AppendAofCommand(out, args);
  }
}

}  // namespace

bool WriteStoreAsCommands(const Store& store, const std::vector<std::string>& functions,
                          int64_t now_ms, const std::function<bool(std::string_view)>& sink,
                          size_t block_size) {
  std::string out;
  bool ok = true;
  for (const std::string& code : functions) {
    const std::string_view load[] = {"FUNCTION", "LOAD", code};
    AppendAofCommand(out, load);
  }
  for (size_t db = 0; db < store.DatabaseCount() && ok; ++db) {
    const Keyspace& ks = store.Db(db);
    if (ks.Stats().entries == 0) continue;
    AppendAofSelect(out, db);
    ks.ForEach(now_ms, [&](const Record& r) {
      if (!ok) return;
      AppendRecord(out, r);
      if (out.size() >= block_size) {
        ok = sink(out);
        out.clear();
      }
    });
  }
  if (ok && !out.empty()) ok = sink(out);
  return ok;
}

std::string WriteAofBaseCommands(const Store& store, const std::vector<std::string>& functions,
                                 int64_t now_ms, const std::string& dir, const std::string& name) {
  const std::string tmp = JoinPath(dir, "temp-rewriteaof-" + name);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return FileError("Can't open the temporary AOF base file", tmp);
  std::string err;
  const bool ok = WriteStoreAsCommands(store, functions, now_ms, [&](std::string_view block) {
    if (WriteFully(fd, block) == block.size()) return true;
    err = FileError("Error writing the temporary AOF base file", tmp);
    return false;
  });
  if (ok && ::fsync(fd) != 0) err = FileError("Failed fsyncing the temporary AOF base file", tmp);
  ::close(fd);
  const std::string path = JoinPath(dir, name);
  if (err.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    err = FileError("Failed renaming the temporary AOF base file to", path);
  }
  if (!err.empty()) {
    ::unlink(tmp.c_str());
    return err;
  }
  return FsyncDirectory(dir);
}

std::string ConvertRdbToAofBase(const std::string& dir, const std::string& rdb_name,
                                const std::string& aof_name, int64_t now_ms, size_t databases) {
  Store scratch(databases);
  bool found = false;
  RdbLoadInfo info;
  std::string err = LoadSnapshotFile(scratch, dir, rdb_name, now_ms, &found, &info);
  if (err.empty() && !found) err = "the rewrite's snapshot " + rdb_name + " is missing";
  if (err.empty()) err = WriteAofBaseCommands(scratch, info.functions, now_ms, dir, aof_name);
  ::unlink(JoinPath(dir, rdb_name).c_str());
  return err;
}

}  // namespace kvd

// Decodes the stream values of an RDB file (STREAM_LISTPACKS, _2 and _3: Redis 5 to 7.2) as
// Redis's rdbLoadObject does, checking what it checks: node keys and listpacks, the entry
// layout, IDs in order, the length against the entries, duplicate groups, consumers and
// pending entries, and that every consumer's pending entry is in its group's list.
#include "core/rdb_stream_reader.h"

#include <string>
#include <vector>

#include "core/numeric.h"
#include "core/rdb_format.h"
#include "core/rdb_packed.h"
#include "core/text.h"

namespace kvd::rdb {
namespace {

StreamId DecodeRawId(std::string_view raw) {
  StreamId id;
  for (int i = 0; i < 8; ++i) {
    id.ms = (id.ms << 8) | static_cast<uint8_t>(raw[i]);
    id.seq = (id.seq << 8) | static_cast<uint8_t>(raw[8 + i]);
  }
  return id;
}

class StreamReader {
 public:
  StreamReader(Input& in, uint8_t type, std::string_view key)
      : in_(in), type_(type), key_(key), at_(in.offset()) {}

  std::unique_ptr<StreamValue> Read() {
    auto s = StreamValue::Create();
    const uint64_t nodes = in_.Length("a stream's node count");
    std::string key_scratch, lp_scratch;
    for (uint64_t i = 0; i < nodes && in_.ok(); ++i) {
      const std::string_view raw = in_.String(key_scratch, "a stream node key");
      if (!in_.ok()) return nullptr;
      if (raw.size() != 16) return Fail("a node key is not the size of a stream ID");
      const StreamId master = DecodeRawId(raw);
      const std::string_view lp = in_.String(lp_scratch, "a stream node");
      if (!in_.ok()) return nullptr;
      if (!ReadNode(*s, master, lp)) return nullptr;
    }
    const uint64_t length = in_.Length("a stream's length");
    StreamId last = ReadId("a stream's last ID");
    StreamId max_deleted;
    uint64_t entries_added = length;
    if (type_ >= kTypeStreamListpacks2) {
      ReadId("a stream's first ID");  // recomputed from the entries
      max_deleted = ReadId("a stream's max deleted ID");
      entries_added = in_.Length("a stream's entries added");
    }
    if (!in_.ok()) return nullptr;
    if (length != s->size()) return Fail("the stream's length does not match its entries");
    if (seen_ && last_loaded_ > last) {
      return Fail("an entry's ID is greater than the stream's last ID");
    }
    s->SetLastId(last);
    s->SetMaxDeletedId(max_deleted);
    s->SetEntriesAdded(entries_added);
    if (!ReadGroups(*s)) return nullptr;
    return s;
  }

 private:
  std::nullptr_t Fail(std::string_view what) {
    in_.Fail("bad stream value of key '" + PrintableKey(key_) + "' at offset " +
             std::to_string(at_) + ": " + std::string(what));
    return nullptr;
  }
  bool Bad(std::string_view what) {
    Fail(what);
    return false;
  }

  StreamId ReadId(std::string_view what) {
    StreamId id;
    id.ms = in_.Length(what);
    id.seq = in_.Length(what);
    return id;
  }

  // One node: the master entry, then the entries (deleted ones are skipped: the stream's
  // counters come with it).
  bool ReadNode(StreamValue& s, StreamId master, std::string_view lp) {
    std::vector<std::string> e;
    const std::string err = WalkListpack(lp, [&](std::string_view x) {
      e.emplace_back(x);
      return true;
    });
    if (!err.empty()) return Bad(err);
    if (e.empty()) return Bad("empty listpack inside the stream");
    size_t i = 0;
    bool bad = false;
    const auto next_int = [&]() -> int64_t {
      std::optional<int64_t> v;
      if (i < e.size()) v = ParseInt64(e[i++]);
      if (!v) bad = true;
      return v.value_or(0);
    };
    next_int();  // live entries
    next_int();  // deleted entries
    const int64_t master_count = next_int();
    if (bad || master_count < 0 || static_cast<uint64_t>(master_count) > e.size() - i) {
      return Bad("bad master entry in a stream node");
    }
    const std::vector<std::string> fields(e.begin() + static_cast<ptrdiff_t>(i),
                                          e.begin() + static_cast<ptrdiff_t>(i) + master_count);
    i += static_cast<size_t>(master_count);
    if (next_int() != 0 || bad) return Bad("bad master entry terminator");
    std::vector<std::string_view> fv;
    const StreamValue::Limits limits = StreamValue::Limits::Current();
    while (i < e.size()) {
      const size_t start = i;
      const int64_t flags = next_int();
      const StreamId id{master.ms + static_cast<uint64_t>(next_int()),
                        master.seq + static_cast<uint64_t>(next_int())};
      fv.clear();
      if (flags & kStreamSameFields) {
        if (e.size() - i < fields.size()) bad = true;
        for (size_t k = 0; k < fields.size() && !bad; ++k) {
          fv.push_back(fields[k]);
          fv.push_back(e[i++]);
        }
      } else {
        const int64_t n = next_int();
        if (n < 0 || static_cast<uint64_t>(n) > (e.size() - i) / 2) bad = true;
        for (int64_t k = 0; k < n && !bad; ++k) {
          fv.push_back(e[i++]);
          fv.push_back(e[i++]);
        }
      }
      const int64_t lp_count = next_int();
      if (bad || lp_count != static_cast<int64_t>(i - start - 1) || fv.empty()) {
        return Bad("bad entry in a stream node");
      }
      if (seen_ && id <= last_loaded_) {
        return Bad("stream IDs out of order");
      }
      seen_ = true;
      last_loaded_ = id;
      if (flags & kStreamItemDeleted) continue;
      s.AppendLoaded(id, fv, limits);
    }
    return true;
  }

  bool ReadGroups(StreamValue& s) {
    const uint64_t groups = in_.Length("a stream's group count");
    std::string scratch;
    for (uint64_t g = 0; g < groups && in_.ok(); ++g) {
      const std::string name(in_.String(scratch, "a consumer group name"));
      const StreamId last = ReadId("a consumer group's last ID");
      int64_t entries_read = -1;
      if (type_ >= kTypeStreamListpacks2) {
        entries_read = static_cast<int64_t>(in_.Length("a consumer group's entries read"));
      } else {
        entries_read = s.EstimateDistanceFromFirstEverEntry(last).value_or(-1);
      }
      if (!in_.ok()) return false;
      StreamGroup* group = s.CreateGroup(name, last, entries_read);
      if (group == nullptr) return Bad("duplicate consumer group '" + name + "'");
      const uint64_t pel = in_.Length("a group's pending entries count");
      for (uint64_t k = 0; k < pel && in_.ok(); ++k) {
        const std::string_view raw = in_.Bytes(16, "a pending entry ID");
        const auto time = static_cast<int64_t>(in_.Le(8, "a delivery time"));
        const uint64_t count = in_.Length("a delivery count");
        if (!in_.ok()) return false;
        auto [it, added] = group->pel.try_emplace(DecodeRawId(raw));
        if (!added) return Bad("duplicate pending entry in a consumer group");
        it->second.delivery_time = time;
        it->second.delivery_count = count;
      }
      const uint64_t consumers = in_.Length("a group's consumer count");
      for (uint64_t c = 0; c < consumers && in_.ok(); ++c) {
        const std::string cname(in_.String(scratch, "a consumer name"));
        const auto seen = static_cast<int64_t>(in_.Le(8, "a consumer's seen time"));
        int64_t active = seen;  // the best estimate without it, as Redis
        if (type_ == kTypeStreamListpacks3) {
          active = static_cast<int64_t>(in_.Le(8, "a consumer's active time"));
        }
        if (!in_.ok()) return false;
        bool created = false;
        StreamConsumer& consumer = group->FindOrCreateConsumer(cname, seen, &created);
        if (!created) return Bad("duplicate consumer '" + cname + "'");
        consumer.active_time = active;
        const uint64_t pending = in_.Length("a consumer's pending entries count");
        for (uint64_t k = 0; k < pending && in_.ok(); ++k) {
          const std::string_view raw = in_.Bytes(16, "a pending entry ID");
          if (!in_.ok()) return false;
          auto it = group->pel.find(DecodeRawId(raw));
          if (it == group->pel.end()) {
            return Bad("a consumer's pending entry is not in its group's list");
          }
          if (it->second.consumer != nullptr) {
            return Bad("a pending entry belongs to two consumers");
          }
          group->Reassign(it, consumer);
        }
      }
      if (!in_.ok()) return false;
      for (const auto& [id, p] : group->pel) {
        if (p.consumer == nullptr) return Bad("a pending entry without a consumer");
      }
    }
    return in_.ok();
  }

  Input& in_;
  const uint8_t type_;
  const std::string_view key_;
  const size_t at_;
  bool seen_ = false;
  StreamId last_loaded_;
};

}  // namespace

bool IsStreamType(uint8_t type) {
  return type == kTypeStreamListpacks || type == kTypeStreamListpacks2 ||
         type == kTypeStreamListpacks3;
}

std::unique_ptr<StreamValue> ReadStreamValue(Input& in, uint8_t type, std::string_view key) {
  return StreamReader(in, type, key).Read();
}

}  // namespace kvd::rdb

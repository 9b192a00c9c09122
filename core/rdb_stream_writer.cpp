// RdbWriter's stream encoding: STREAM_LISTPACKS_2 as Redis 7.0 writes it (rdbSaveObject),
// one listpack per chunk of the stream, its first entry's fields as the master fields.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/rdb_format.h"
#include "core/rdb_packed.h"
#include "core/rdb_writer.h"
#include "core/stream_value.h"

namespace kvd {
namespace {

// A stream ID as a rax key: 16 bytes, big-endian ms then seq.
std::string RawId(StreamId id) {
  std::string out(16, '\0');
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(id.ms >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(id.seq >> (56 - 8 * i));
  }
  return out;
}

// One chunk as a stream node's listpack (streamAppendItem's layout).
std::string NodeListpack(const StreamValue& s, size_t chunk) {
  const StreamValue::ChunkInfo info = s.chunk_info(chunk);
  std::vector<std::string> master;
  s.ForEachInChunk(chunk, [&](const StreamValue::Entry& e, bool) {
    if (!master.empty() || e.id() != info.first) return;
    e.ForEachPair([&](const Elem& f, const Elem&) { master.push_back(f.str()); });
  });
  rdb::ListpackBuilder lp;
  lp.PushInt(static_cast<int64_t>(info.live));
  lp.PushInt(static_cast<int64_t>(info.deleted));
  lp.PushInt(static_cast<int64_t>(master.size()));
  for (const std::string& f : master) lp.Push(f);
  lp.PushInt(0);
  s.ForEachInChunk(chunk, [&](const StreamValue::Entry& e, bool deleted) {
    bool same = e.pair_count() == master.size();
    if (same) {
      size_t i = 0;
      e.ForEachPair([&](const Elem& f, const Elem&) { same = same && f == master[i++]; });
    }
    int64_t flags = deleted ? rdb::kStreamItemDeleted : 0;
    if (same) flags |= rdb::kStreamSameFields;
    lp.PushInt(flags);
    lp.PushInt(static_cast<int64_t>(e.id().ms - info.first.ms));
    lp.PushInt(static_cast<int64_t>(e.id().seq - info.first.seq));
    const auto n = static_cast<int64_t>(e.pair_count());
    if (!same) lp.PushInt(n);
    e.ForEachPair([&](const Elem& f, const Elem& v) {
      if (!same) lp.Push(f);
      lp.Push(v);
    });
    lp.PushInt(same ? n + 3 : 2 * n + 4);  // the entry's elements but this one
  });
  return lp.Finish();
}

}  // namespace

void RdbWriter::StreamBody(const StreamValue& s) {
  Length(s.chunk_count());
  for (size_t i = 0; i < s.chunk_count(); ++i) {
    Str(RawId(s.chunk_info(i).first));
    Str(NodeListpack(s, i));
  }
  Length(s.size());
  const StreamId first = s.first_id();
  for (StreamId id : {s.last_id(), first, s.max_deleted_id()}) {
    Length(id.ms);
    Length(id.seq);
  }
  Length(s.entries_added());
  Length(s.groups().size());
  for (const auto& [name, g] : s.groups()) {
    Str(name);
    Length(g.last_id.ms);
    Length(g.last_id.seq);
    Length(static_cast<uint64_t>(g.entries_read));  // -1 (unknown) as Redis writes it
    Length(g.pel.size());
    for (const auto& [id, p] : g.pel) {
      buffer_.append(RawId(id));  // raw, not a string
      Le(static_cast<uint64_t>(p.delivery_time), 8);
      Length(p.delivery_count);
    }
    Length(g.consumers.size());
    for (const auto& [cname, c] : g.consumers) {
      Str(cname);
      Le(static_cast<uint64_t>(c.seen_time), 8);
      Length(c.pending.size());
      for (StreamId id : c.pending) buffer_.append(RawId(id));
    }
  }
}

}  // namespace kvd

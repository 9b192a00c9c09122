// A stream's consumer groups (core/stream_value.h): their consumers and the pending entries
// list each keeps, as Redis's streamCG and streamConsumer.
#include <tuple>
#include <utility>

#include "core/stream_value.h"

namespace kvd {

StreamConsumer* StreamGroup::FindConsumer(std::string_view name) {
  auto it = consumers.find(name);
  return it == consumers.end() ? nullptr : &it->second;
}

StreamConsumer& StreamGroup::FindOrCreateConsumer(std::string_view name, int64_t now_ms,
                                                  bool* created) {
  auto it = consumers.find(name);
  if (created != nullptr) *created = it == consumers.end();
  if (it != consumers.end()) return it->second;
  size_t* counter = consumers.get_allocator().counter();
  it = consumers
           .emplace(std::piecewise_construct,
                    std::forward_as_tuple(name, CountedAllocator<char>(counter)),
                    std::forward_as_tuple(counter))
           .first;
  it->second.name = it->first;
  it->second.seen_time = now_ms;
  return it->second;
}

std::optional<size_t> StreamGroup::DeleteConsumer(std::string_view name) {
  auto it = consumers.find(name);
  if (it == consumers.end()) return std::nullopt;
  const size_t pending = it->second.pending.size();
  for (StreamId id : it->second.pending) pel.erase(id);
  consumers.erase(it);
  return pending;
}

StreamPending& StreamGroup::Deliver(StreamId id, StreamConsumer& consumer, int64_t now_ms,
                                    bool count_delivery) {
  auto [it, added] = pel.try_emplace(id);
  StreamPending& p = it->second;
  if (!added && p.consumer != &consumer) Reassign(it, consumer);
  if (added) {
    p.consumer = &consumer;
    consumer.pending.insert(id);
  }
  p.delivery_time = now_ms;
  if (added || count_delivery) ++p.delivery_count;
  return p;
}

void StreamGroup::Reassign(Pel::iterator it, StreamConsumer& consumer) {
  StreamPending& p = it->second;
  if (p.consumer == &consumer) return;
  if (p.consumer != nullptr) p.consumer->pending.erase(it->first);
  consumer.pending.insert(it->first);
  p.consumer = &consumer;
}

bool StreamGroup::Ack(StreamId id) {
  auto it = pel.find(id);
  if (it == pel.end()) return false;
  if (it->second.consumer != nullptr) it->second.consumer->pending.erase(id);
  pel.erase(it);
  return true;
}

}  // namespace kvd

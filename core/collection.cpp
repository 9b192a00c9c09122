#include "core/collection.h"

#include "core/hash_value.h"
#include "core/list_value.h"
#include "core/set_value.h"
#include "core/stream_value.h"
#include "core/zset_value.h"

namespace kvd {
namespace {

// Calls f with the typed object of r (or does nothing for strings); returns f's result or
// `none`.
template <class R, class F>
R Visit(ValueType type, const void* object, R none, F&& f) {
  if (object == nullptr) return none;
  switch (type) {
    case ValueType::kHash: return f(*static_cast<const HashValue*>(object));
    case ValueType::kList: return f(*static_cast<const ListValue*>(object));
    case ValueType::kSet: return f(*static_cast<const SetValue*>(object));
    case ValueType::kZSet: return f(*static_cast<const ZSetValue*>(object));
    case ValueType::kStream: return f(*static_cast<const StreamValue*>(object));
    case ValueType::kString: break;
  }
  return none;
}

}  // namespace

size_t ObjectAllocatedBytes(const Record& r) {
  return Visit(r.type(), r.object(), size_t{0}, [](const auto& v) { return v.AllocatedBytes(); });
}

size_t ObjectDataBytes(const Record& r) {
  return Visit(r.type(), r.object(), size_t{0}, [](const auto& v) { return v.DataBytes(); });
}

size_t ObjectLength(const Record& r) {
  return Visit(r.type(), r.object(), size_t{0}, [](const auto& v) { return v.size(); });
}

void* CloneObject(const Record& r) {
  return Visit(r.type(), r.object(), static_cast<void*>(nullptr),
               [](const auto& v) -> void* { return v.Clone().release(); });
}

std::string_view ObjectEncodingName(const Record& r) {
  return Visit(r.type(), r.object(), std::string_view{},
               [](const auto& v) { return v.EncodingName(); });
}

void DestroyObject(ValueType type, void* object) {
  if (object == nullptr) return;
  switch (type) {
    case ValueType::kHash: delete static_cast<HashValue*>(object); return;
    case ValueType::kList: delete static_cast<ListValue*>(object); return;
    case ValueType::kSet: delete static_cast<SetValue*>(object); return;
    case ValueType::kZSet: delete static_cast<ZSetValue*>(object); return;
    case ValueType::kStream: delete static_cast<StreamValue*>(object); return;
    case ValueType::kString: return;
  }
}

size_t DetachedValue::FreeEffort() const {
  return Visit(type_, object_, size_t{0}, [](const auto& v) { return v.FreeEffort(); });
}

size_t DetachedValue::AllocatedBytes() const {
  return Visit(type_, object_, size_t{0}, [](const auto& v) { return v.AllocatedBytes(); });
}

}  // namespace kvd

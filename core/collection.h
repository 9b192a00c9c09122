#pragma once
// Type-erased handling of the heap object a collection record points at (a HashValue,
// ListValue, SetValue, ZSetValue or StreamValue, chosen by the record's ValueType), for the code that
// treats every key alike: the keyspace's accounting, COPY, deletion, the snapshot codec.
#include <cstddef>
#include <string_view>
#include <utility>

#include "core/record.h"
#include "core/value_type.h"

namespace kvd {

// Whether a collection of this type goes with its last element, as Redis deletes an
// emptied list, set, sorted set or hash. A stream stays, empty, until deleted.
constexpr bool DeletedWhenEmpty(ValueType t) { return t != ValueType::kStream; }

// Exact heap bytes of the object (0 for a string record).
size_t ObjectAllocatedBytes(const Record& r);
// Bytes of the elements as strings (what DataBytes counts; 0 for a string record).
size_t ObjectDataBytes(const Record& r);
// Number of elements (0 for a string record).
size_t ObjectLength(const Record& r);
// A deep copy of the object of a collection record. Throws std::bad_alloc.
void* CloneObject(const Record& r);
// Frees an object of the given collection type (no-op for nullptr).
void DestroyObject(ValueType type, void* object);
// What OBJECT ENCODING reports for a record ("embstr"/"raw"/"int" is the commands' call
// for strings; this returns "" for them).
std::string_view ObjectEncodingName(const Record& r);

// A collection taken out of the keyspace to be freed later, possibly on another thread
// (Redis's lazyfree: UNLINK, FLUSHALL ASYNC). Owns the object; frees it when destroyed.
class DetachedValue {
 public:
  DetachedValue() = default;
  DetachedValue(ValueType type, void* object) : type_(type), object_(object) {}
  ~DetachedValue() { Reset(); }
  DetachedValue(const DetachedValue&) = delete;
  DetachedValue& operator=(const DetachedValue&) = delete;
  DetachedValue(DetachedValue&& o) noexcept
      : type_(o.type_), object_(std::exchange(o.object_, nullptr)) {}
  DetachedValue& operator=(DetachedValue&& o) noexcept {
    std::swap(type_, o.type_);
    std::swap(object_, o.object_);
    return *this;
  }

  bool empty() const { return object_ == nullptr; }
  ValueType type() const { return type_; }
  // Redis's lazyfreeGetFreeEffort: roughly the number of allocations freeing takes. Above
  // 64 (LAZYFREE_THRESHOLD) freeing belongs off the store strand.
  size_t FreeEffort() const;
  // Exact heap bytes the object holds (0 when empty).
  size_t AllocatedBytes() const;
  // Frees the object now.
  void Reset() {
    if (object_ != nullptr) DestroyObject(type_, std::exchange(object_, nullptr));
  }

 private:
  ValueType type_ = ValueType::kString;
  void* object_ = nullptr;
};

}  // namespace kvd

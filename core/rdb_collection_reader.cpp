#include "core/rdb_collection_reader.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>

#include "core/numeric.h"
#include "core/rdb_packed.h"
#include "core/rdb_stream_reader.h"
#include "core/text.h"

namespace kvd::rdb {
namespace {

// RDB value types (rdb.h).
constexpr uint8_t kList = 1, kSet = 2, kZSet = 3, kHash = 4, kZSet2 = 5, kListZiplist = 10,
                  kSetIntset = 11, kZSetZiplist = 12, kHashZiplist = 13, kListQuicklist = 14,
                  kHashListpack = 16, kZSetListpack = 17, kListQuicklist2 = 18,
                  kSetListpack = 20;

// Quicklist 2 node containers.
constexpr uint64_t kContainerPlain = 1, kContainerPacked = 2;

// Reads one collection, latching errors in the Input.
class CollectionReader {
 public:
  CollectionReader(Input& in, uint8_t type, std::string_view key)
      : in_(in), type_(type), key_(key), at_(in.offset()) {
    // Values are built by adding to fresh ones, under the limits of the moment. A listpack
    // or ziplist blob stays packed whatever its elements' lengths, as in Redis's
    // rdbLoadObject, which converts one only for having too many entries.
    if (type_ == kHashZiplist || type_ == kHashListpack) hash_limits_.value = SIZE_MAX;
    if (type_ == kZSetZiplist || type_ == kZSetListpack) zset_limits_.value = SIZE_MAX;
    if (type_ == kSetListpack) set_limits_.value = SIZE_MAX;
  }

  CollectionPtr Read() {
    switch (type_) {
      case kList: return Plain<ListValue>(1);
      case kSet: return Plain<SetValue>(1);
      case kZSet:
      case kZSet2: return Plain<ZSetValue>(2);
      case kHash: return Plain<HashValue>(2);
      case kListZiplist: return Blob<ListValue>(WalkZiplist);
      case kSetIntset: return Blob<SetValue>(WalkIntset);
      case kSetListpack: return Blob<SetValue>(WalkListpack);
      case kZSetZiplist: return Blob<ZSetValue>(WalkZiplist);
      case kZSetListpack: return Blob<ZSetValue>(WalkListpack);
      case kHashZiplist: return Blob<HashValue>(WalkZiplist);
      case kHashListpack: return Blob<HashValue>(WalkListpack);
      case kListQuicklist:
      case kListQuicklist2: return Quicklist();
      default: break;
    }
    Fail("is not a collection type");
    return {};
  }

 private:
  using Walk = std::string (*)(std::string_view, const ElementVisitor&);

  void Fail(std::string_view what) {
    const TypeDescription d = DescribeType(type_);
    in_.Fail("bad " + std::string(d.type) + " (" + std::string(d.encoding) + ") value of key '" +
             PrintableKey(key_) + "' at offset " + std::to_string(at_) + ": " +
             std::string(what));
  }

  // Adds one element (a list item, a set member) or one pair (hash field and value, sorted
  // set member and score text). False after latching an error.
  bool Add(ListValue& v, std::string_view s) {
    v.PushBack(s);
    return true;
  }
  bool Add(SetValue& v, std::string_view s) {
    if (v.Add(s, set_limits_)) return true;
    Fail("duplicate member '" + PrintableKey(s) + "'");
    return false;
  }
  bool AddPair(HashValue& v, std::string_view field, std::string_view value) {
    if (v.Set(field, value, hash_limits_)) return true;
    Fail("duplicate field '" + PrintableKey(field) + "'");
    return false;
  }
  bool AddScored(ZSetValue& v, std::string_view member, double score) {
    if (std::isnan(score)) {
      Fail("NaN score of member '" + PrintableKey(member) + "'");
      return false;
    }
    if (v.Add(member, score, zset_limits_)) return true;
    Fail("duplicate member '" + PrintableKey(member) + "'");
    return false;
  }
  bool AddPair(ZSetValue& v, std::string_view member, std::string_view score_text) {
    const std::optional<double> score = ParseDouble(score_text);
    if (!score) {
      Fail("bad score '" + PrintableKey(score_text) + "' of member '" + PrintableKey(member) + "'");
      return false;
    }
    return AddScored(v, member, *score);
  }

  // An empty value to load `n` elements into (0: unknown). A set starts as Redis's
  // rdbLoadObject starts it: a listpack blob as a listpack; a plain set with more members
  // than an intset may hold as a table.
  template <class T>
  std::unique_ptr<T> Fresh(uint64_t n) {
    if constexpr (std::is_same_v<T, SetValue>) {
      if (type_ == kSetListpack) return SetValue::Create(SetValue::Encoding::kPacked);
      if (n > set_limits_.intset_entries) return SetValue::Create(SetValue::Encoding::kTable);
    }
    return T::Create();
  }

  // The plain encodings: a count, then each element (or pair) as an RDB string.
  template <class T>
  CollectionPtr Plain(int per_entry) {
    const uint64_t n = in_.Length("a collection length");
    auto v = Fresh<T>(n);
    std::string a_scratch, b_scratch;
    for (uint64_t i = 0; i < n && in_.ok(); ++i) {
      const std::string_view a = in_.String(a_scratch, "a collection element");
      if (!in_.ok()) break;
      if (per_entry == 1) {
        if constexpr (std::is_same_v<T, ListValue> || std::is_same_v<T, SetValue>) {
          if (!Add(*v, a)) break;
        }
        continue;
      }
      if constexpr (std::is_same_v<T, ZSetValue>) {
        const std::string member(a);
        const double score = type_ == kZSet2 ? BinaryDouble() : TextDouble();
        if (!in_.ok() || !AddScored(*v, member, score)) break;
      } else if constexpr (std::is_same_v<T, HashValue>) {
        const std::string field(a);
        const std::string_view value = in_.String(b_scratch, "a hash value");
        if (!in_.ok() || !AddPair(*v, field, value)) break;
      }
    }
    if (!in_.ok()) return {};
    return v;
  }

  double BinaryDouble() {
    return std::bit_cast<double>(in_.Le(8, "a binary score"));
  }
  // The old zset encoding: a length byte (253 NaN, 254 +inf, 255 -inf) and the text.
  double TextDouble() {
    const uint8_t len = in_.U8("a score length");
    if (len == 253) return NAN;
    if (len == 254) return INFINITY;
    if (len == 255) return -INFINITY;
    const std::string text(in_.Bytes(len, "a score"));
    if (!in_.ok()) return 0;
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) Fail("bad score '" + PrintableKey(text) + "'");
    return d;
  }

  // Walks one blob into v; pairs for hashes and sorted sets.
  template <class T>
  bool WalkInto(T& v, Walk walk, std::string_view blob) {
    std::string first;
    bool have_first = false;
    const std::string err = walk(blob, [&](std::string_view e) {
      if constexpr (std::is_same_v<T, ListValue> || std::is_same_v<T, SetValue>) {
        return Add(v, e);
      } else {
        if (!have_first) {
          first.assign(e);
          have_first = true;
          return true;
        }
        have_first = false;
        return AddPair(v, first, e);
      }
    });
    if (err == "stopped") return false;  // the error is latched already
    if (!err.empty()) {
      Fail(err);
      return false;
    }
    if (have_first) {
      Fail("an odd number of elements");
      return false;
    }
    return true;
  }

  template <class T>
  CollectionPtr Blob(Walk walk) {
    std::string scratch;
    const std::string_view blob = in_.String(scratch, "an encoded collection");
    if (!in_.ok()) return {};
    auto v = Fresh<T>(0);
    if (!WalkInto(*v, walk, blob)) return {};
    return v;
  }

  // Quicklist: a count of nodes, each a ziplist (type 14) or, in type 18, a container kind
  // and a listpack or one plain element.
  CollectionPtr Quicklist() {
    const uint64_t nodes = in_.Length("a quicklist length");
    auto v = ListValue::Create();
    std::string scratch;
    for (uint64_t i = 0; i < nodes && in_.ok(); ++i) {
      uint64_t container = kContainerPacked;
      if (type_ == kListQuicklist2) container = in_.Length("a quicklist container");
      const std::string_view blob = in_.String(scratch, "a quicklist node");
      if (!in_.ok()) break;
      if (container == kContainerPlain) {
        v->PushBack(blob);
      } else if (container != kContainerPacked) {
        Fail("unknown quicklist container " + std::to_string(container));
      } else if (!WalkInto(*v, type_ == kListQuicklist2 ? WalkListpack : WalkZiplist, blob)) {
        break;
      }
    }
    if (!in_.ok()) return {};
    return v;
  }

  Input& in_;
  const uint8_t type_;
  const std::string_view key_;
  const size_t at_;
  // The limits, read once per value.
  HashValue::Limits hash_limits_ = HashValue::Limits::Current();
  SetValue::Limits set_limits_ = SetValue::Limits::Current();
  ZSetValue::Limits zset_limits_ = ZSetValue::Limits::Current();
};

}  // namespace

bool IsEmptyCollection(const CollectionPtr& c) {
  return std::visit(
      [](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return true;
        } else if constexpr (std::is_same_v<T, std::unique_ptr<StreamValue>>) {
          return v == nullptr;
        } else {
          return v->empty();
        }
      },
      c);
}

bool IsCollectionType(uint8_t type) {
  switch (type) {
    case kList: case kSet: case kZSet: case kHash: case kZSet2: case kListZiplist:
    case kSetIntset: case kZSetZiplist: case kHashZiplist: case kListQuicklist:
    case kHashListpack: case kZSetListpack: case kListQuicklist2: case kSetListpack:
      return true;
    default:
      return IsStreamType(type);
  }
}

CollectionPtr ReadCollection(Input& in, uint8_t type, std::string_view key) {
  if (IsStreamType(type)) {
    std::unique_ptr<StreamValue> s = ReadStreamValue(in, type, key);
    if (s == nullptr) return {};
    return s;
  }
  return CollectionReader(in, type, key).Read();
}

}  // namespace kvd::rdb

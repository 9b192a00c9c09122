#include "server/dataset_digest.h"

#include <openssl/evp.h>

#include <cstdio>
#include <string_view>

#include "core/hash_value.h"
#include "core/keyspace.h"
#include "core/list_value.h"
#include "core/set_value.h"
#include "core/stream_value.h"
#include "core/zset_value.h"

namespace kvd {
namespace {

// Redis's object type numbers (OBJ_STRING...), which the digest mixes in: kvd numbers
// streams differently (Redis's 5 is OBJ_MODULE).
uint32_t RedisTypeNumber(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return 0;
    case ValueType::kList:
      return 1;
    case ValueType::kSet:
      return 2;
    case ValueType::kZSet:
      return 3;
    case ValueType::kHash:
      return 4;
    case ValueType::kStream:
      return 6;
  }
  return 0;
}

Digest Sha1(const void* data, size_t len) {
  Digest out{};
  unsigned int n = 0;
  EVP_Digest(data, len, out.data(), &n, EVP_sha1(), nullptr);
  return out;
}

// digest ^= SHA1(data): order-independent accumulation (xorDigest).
void XorDigest(Digest& digest, const void* data, size_t len) {
  const Digest h = Sha1(data, len);
  for (size_t i = 0; i < digest.size(); ++i) digest[i] ^= h[i];
}
void XorDigest(Digest& digest, std::string_view s) { XorDigest(digest, s.data(), s.size()); }

// digest = SHA1(digest ^ SHA1(data)): order-dependent accumulation (mixDigest).
void MixDigest(Digest& digest, const void* data, size_t len) {
  XorDigest(digest, data, len);
  digest = Sha1(digest.data(), digest.size());
}
void MixDigest(Digest& digest, std::string_view s) { MixDigest(digest, s.data(), s.size()); }

void MixBigEndian32(Digest& digest, uint32_t v) {
  const uint8_t be[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                         static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  MixDigest(digest, be, sizeof be);
}

// A member and its score, as Redis 7 formats the score for the digest ("%.17g").
void XorScoredMember(Digest& digest, std::string_view member, double score) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", score);
  Digest element{};
  MixDigest(element, member);
  MixDigest(element, buf, static_cast<size_t>(n));
  XorDigest(digest, element.data(), element.size());
}

void MixStream(Digest& digest, const StreamValue& stream) {
  std::string id;
  stream.Range(StreamId{}, StreamId::Max(), false, 0, [&](const StreamValue::Entry& e) {
    id = std::to_string(e.id().ms) + "." + std::to_string(e.id().seq);
    MixDigest(digest, id);
    e.ForEachPair([&](const Elem& field, const Elem& value) {
      MixDigest(digest, field.view());
      MixDigest(digest, value.view());
    });
    return true;
  });
}

}  // namespace

void MixValueDigest(Digest& digest, const Record& r) {
  MixBigEndian32(digest, RedisTypeNumber(r.type()));
  switch (r.type()) {
    case ValueType::kString:
      MixDigest(digest, r.string_value());
      break;
    case ValueType::kList:
      static_cast<const ListValue*>(r.object())->ForEach([&](std::string_view e) {
        MixDigest(digest, e);
      });
      break;
    case ValueType::kSet:
      static_cast<const SetValue*>(r.object())->ForEach([&](std::string_view m) {
        XorDigest(digest, m);
      });
      break;
    case ValueType::kZSet:
      static_cast<const ZSetValue*>(r.object())->ForEach([&](std::string_view m, double score) {
        XorScoredMember(digest, m, score);
      });
      break;
    case ValueType::kHash:
      static_cast<const HashValue*>(r.object())
          ->ForEach([&](std::string_view field, std::string_view value) {
            Digest element{};
            MixDigest(element, field);
            MixDigest(element, value);
            XorDigest(digest, element.data(), element.size());
          });
      break;
    case ValueType::kStream:
      MixStream(digest, *static_cast<const StreamValue*>(r.object()));
      break;
  }
  if (r.has_expiry()) XorDigest(digest, "!!expire!!");
}

Digest DatasetDigest(const Store& store) {
  Digest final_digest{};
  for (size_t db = 0; db < store.DatabaseCount(); ++db) {
    const Keyspace& ks = store.Db(db);
    if (ks.KeyCount() == 0) continue;
    // The same data in another database gives another digest.
    MixBigEndian32(final_digest, static_cast<uint32_t>(db));
    // At the earliest time nothing has expired: every record held is visited.
    ks.ForEach(INT64_MIN, [&](const Record& r) {
      Digest digest{};
      MixDigest(digest, r.key());
      MixValueDigest(digest, r);
      XorDigest(final_digest, digest.data(), digest.size());
    });
  }
  return final_digest;
}

std::string DigestHex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace kvd

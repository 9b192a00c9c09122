#include "core/rdb_format.h"

namespace kvd::rdb {

TypeDescription DescribeType(uint8_t type) {
  // RDB_TYPE_* of Redis 7.2 (rdb.h); 8 was never used.
  switch (type) {
    case 0: return {"string", "raw"};
    case 1: return {"list", "linkedlist"};
    case 2: return {"set", "hashtable"};
    case 3: return {"zset", "skiplist"};
    case 4: return {"hash", "hashtable"};
    case 5: return {"zset", "skiplist"};  // ZSET_2: binary scores
    case 6: return {"module", "pre-GA module"};
    case 7: return {"module", "module"};
    case 9: return {"hash", "zipmap"};
    case 10: return {"list", "ziplist"};
    case 11: return {"set", "intset"};
    case 12: return {"zset", "ziplist"};
    case 13: return {"hash", "ziplist"};
    case 14: return {"list", "quicklist"};
    case 15: return {"stream", "listpacks"};
    case 16: return {"hash", "listpack"};
    case 17: return {"zset", "listpack"};
    case 18: return {"list", "quicklist"};  // QUICKLIST_2: listpack nodes
    case 19: return {"stream", "listpacks"};
    case 20: return {"set", "listpack"};
    case 21: return {"stream", "listpacks"};
    default: return {};
  }
}


}  // namespace kvd::rdb

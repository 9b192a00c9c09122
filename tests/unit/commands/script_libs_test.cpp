// The libraries scripts may use, as Redis gives them: cjson, bit, struct, cmsgpack (expected
// values from redis-server 7.0.15).
#include <doctest/doctest.h>

#include "server/scripting/sha1.h"
#include "unit/commands/key_test_util.h"
#include "unit/commands/script_test_util.h"

namespace kvd::testing {
namespace {

TEST_CASE("cjson and bit") {
  Harness h;
  CHECK(Eval(h, "return cjson.encode({1,2,'a'})") == Bulk("[1,2,\"a\"]"));
  CHECK(Eval(h, "return cjson.decode('{\"a\":[1,2,{\"b\":true}]}')['a'][3]['b']") == Int(1));
  CHECK(Eval(h, "return cjson.encode(cjson.decode('{\"a\":1}'))") == Bulk("{\"a\":1}"));
  CHECK(Eval(h,
             "return bit.band(0xff, 0x0f) .. ' ' .. bit.bor(1, 2) .. ' ' .. bit.bxor(3, 1) .. "
             "' ' .. bit.lshift(1, 4) .. ' ' .. bit.tohex(255)") == Bulk("15 3 2 16 000000ff"));
}

TEST_CASE("struct packs and unpacks binary records") {
  Harness h;
  CHECK(Eval(h, "return struct.pack('>I2', 258)") == Bulk(std::string("\x01\x02", 2)));
  CHECK(Eval(h, "return {struct.unpack('>I2', struct.pack('>I2', 258))}") ==
        "*2\r\n:258\r\n:3\r\n");
  CHECK(Eval(h, "return {struct.unpack('<i4hbc3', struct.pack('<i4hbc3', -5, 300, -2, 'abc'))}") ==
        "*5\r\n:-5\r\n:300\r\n:-2\r\n$3\r\nabc\r\n:11\r\n");
  CHECK(Eval(h, "return struct.size('>!4 b i4 d')") == Int(16));
  CHECK(Eval(h, "return {struct.unpack('s', struct.pack('s', 'hey'))}") ==
        "*2\r\n$3\r\nhey\r\n:5\r\n");
  CHECK(Eval(h, "return {struct.unpack('Bc0', struct.pack('Bc0', 3, 'xyz'))}") ==
        "*2\r\n$3\r\nxyz\r\n:5\r\n");
  const std::string body = "return struct.pack('z', 1)";
  CHECK(Eval(h, body) == ScriptError("ERR user_script:1: bad argument #1 to 'pack' (invalid "
                                     "format option 'z')",
                                     Sha1Hex(body)));
}

TEST_CASE("cmsgpack encodes as Redis's lua_cmsgpack and decodes back") {
  Harness h;
  CHECK(Eval(h, "return cmsgpack.pack({1,2,3})") == Bulk("\x93\x01\x02\x03"));
  CHECK(Eval(h, "return {cmsgpack._NAME, cmsgpack._VERSION}") ==
        "*2\r\n$8\r\ncmsgpack\r\n$18\r\nlua-cmsgpack 0.4.0\r\n");
  CHECK(Eval(h, "return cmsgpack.pack({a=1})") == Bulk("\x81\xa1" "a\x01"));
  CHECK(Eval(h, "return cmsgpack.pack(1.5, -1, 300, 'ab', true, 70000, -200, 5000000000, 0.1)") ==
        Bulk(std::string("\xca?\xc0\x00\x00\xff\xcd\x01,\xa2" "ab\xc3\xce\x00\x01\x11p\xd1\xff"
                         "8\xcf\x00\x00\x00\x01*\x05\xf2\x00\xcb?\xb9\x99\x99\x99\x99\x99\x9a",
                         39)));
  CHECK(Eval(h, "return {cmsgpack.unpack(cmsgpack.pack(1, 'x', {1,2}))}") ==
        "*3\r\n:1\r\n$1\r\nx\r\n*2\r\n:1\r\n:2\r\n");
  CHECK(Eval(h, "local t = cmsgpack.unpack(cmsgpack.pack({a={b='c'}})); return t.a.b") ==
        Bulk("c"));
  CHECK(Eval(h, "return {cmsgpack.unpack_one(cmsgpack.pack(7, 8))}") == "*2\r\n:1\r\n:7\r\n");
  CHECK(Eval(h, "return {cmsgpack.unpack_limit(cmsgpack.pack(7, 8, 9), 2)}") ==
        "*3\r\n:2\r\n:7\r\n:8\r\n");
  CHECK(Eval(h, "return {cmsgpack.unpack_one(cmsgpack.pack(7, 8), 1)}") == "*2\r\n:-1\r\n:8\r\n");
}

}  // namespace
}  // namespace kvd::testing

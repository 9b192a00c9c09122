// FUNCTION LOAD|DELETE|LIST|FLUSH|DUMP|RESTORE|STATS|KILL, FCALL and FCALL_RO, with Redis
// 7's texts (taken from redis-server 7.0.15).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "unit/commands/key_test_util.h"
#include "unit/commands/resp_reader.h"
#include "unit/commands/script_test_util.h"

namespace kvd::testing {
namespace {

const std::string kLib1 =
    "#!lua name=lib1\n"
    "redis.register_function('f1', function(keys, args) return redis.call('set', keys[1], "
    "args[1]) end)\n"
    "redis.register_function{function_name='f2', callback=function(keys, args) return 2 end, "
    "flags={'no-writes'}, description='d'}";

// FUNCTION DUMP of kLib1 from redis-server 7.0.15: its code is LZF-compressed.
std::string RedisDumpOfLib1() {
  static const char kBytes[] =
      "\xf5\xc3\x40\xaf\x40\xf0\x1f\x23\x21\x6c\x75\x61\x20\x6e\x61\x6d\x65\x3d\x6c\x69\x62\x31\x0a\x72"
      "\x65\x64\x69\x73\x2e\x72\x65\x67\x69\x73\x74\x65\x72\x5f\x66\x0d\x75\x6e\x63\x74\x69\x6f\x6e\x28"
      "\x27\x66\x31\x27\x2c\x20\xe0\x00\x0e\x11\x6b\x65\x79\x73\x2c\x20\x61\x72\x67\x73\x29\x20\x72\x65"
      "\x74\x75\x72\x6e\x20\x06\x40\x39\x08\x63\x61\x6c\x6c\x28\x27\x73\x65\x74\x20\x2d\x40\x24\x02\x5b"
      "\x31\x5d\x80\x27\x20\x08\x05\x29\x20\x65\x6e\x64\x29\xe0\x0f\x62\x00\x7b\xc0\x5c\x00\x5f\x60\x8d"
      "\x02\x27\x66\x32\x20\x42\x40\x4e\x04\x62\x61\x63\x6b\x3d\xc0\x1c\xe0\x0b\x79\x00\x32\x40\x57\x20"
      "\x9c\x1a\x6c\x61\x67\x73\x3d\x7b\x27\x6e\x6f\x2d\x77\x72\x69\x74\x65\x73\x27\x7d\x2c\x20\x64\x65"
      "\x73\x63\x72\x69\x70\x40\xc3\x04\x3d\x27\x64\x27\x7d\x0a\x00\x76\x46\x9b\xba\xa5\xc5\x55\xec";
  return std::string(kBytes, sizeof kBytes - 1);
}

TEST_CASE("FUNCTION LOAD registers a library whose functions FCALL runs") {
  Harness h;
  CHECK(h.Run({"FCALL", "f1", "0"}) == Err("ERR Function not found"));
  CHECK(h.Run({"FUNCTION", "LOAD", kLib1}) == Bulk("lib1"));
  CHECK(h.Run({"FCALL", "f1", "1", "k", "v"}) == kOk);
  CHECK(h.Run({"GET", "k"}) == Bulk("v"));
  CHECK(h.Run({"FCALL", "f2", "0"}) == Int(2));
  CHECK(h.Run({"FCALL_RO", "f2", "0"}) == Int(2));
  CHECK(h.Run({"FCALL_RO", "f1", "1", "k", "v"}) ==
        Err("ERR Can not execute a script with write flag using *_ro command."));
  CHECK(h.Run({"FCALL", "f1", "-1"}) == Err("ERR Number of keys can't be negative"));
  CHECK(h.Run({"FCALL", "f1", "x"}) == Err("ERR Bad number of keys provided"));
  CHECK(h.Run({"FUNCTION", "LOAD", kLib1}) == Err("ERR Library 'lib1' already exists"));
  CHECK(h.Run({"FUNCTION", "LOAD", "REPLACE", kLib1}) == Bulk("lib1"));
  CHECK(h.Run({"FUNCTION", "STATS"}) ==
        "*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n"
        "$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n");
  CHECK(h.Run({"FUNCTION", "KILL"}) == Err("NOTBUSY No scripts in execution right now."));
}

TEST_CASE("a function's errors name the function and its line") {
  Harness h;
  CHECK(h.Run({"FUNCTION", "LOAD",
               "#!lua name=errs\nredis.register_function('bad', function(keys, args)\n"
               "  return redis.call('nosuch')\nend)"}) == Bulk("errs"));
  CHECK(h.Run({"FCALL", "bad", "0"}) ==
        Err("ERR Unknown Redis command called from script script: bad, on @user_function:3."));
}

TEST_CASE("FUNCTION LOAD refuses bad libraries with Redis's texts") {
  Harness h;
  CHECK(h.Run({"FUNCTION", "LOAD", "foo", "bar"}) == Err("ERR Unknown option given: foo"));
  CHECK(h.Run({"FUNCTION", "LOAD", "REPLACE", "x"}) == Err("ERR Missing library metadata"));
  CHECK(h.Run({"FUNCTION", "LOAD", "#!lua name=lib2\nerror('boom')"}) ==
        Err("ERR Error registering functions: ERR user_function:2: Script attempted to access "
            "nonexistent global variable 'error'"));
  CHECK(h.Run({"FUNCTION", "LOAD", "#!lua name=lib2\nlocal x = 1"}) ==
        Err("ERR No functions registered"));
  CHECK(h.Run({"FUNCTION", "LOAD", "#!lua name=lib-2\nlocal x = 1"}) ==
        Err("ERR Library names can only contain letters, numbers, or underscores(_) and must "
            "be at least one character long"));
  CHECK(h.Run({"FUNCTION", "LOAD", "#!lua name=lib2 foo=bar\n"}) ==
        Err("ERR Invalid metadata value given: foo=bar"));
  CHECK(h.Run({"FUNCTION", "LOAD", "#!lua\n"}) == Err("ERR Library name was not given"));
  CHECK(h.Run({"FUNCTION", "LOAD", "#!js name=x\n"}) == Err("ERR Engine 'js' not found"));
  CHECK(h.Run({"FUNCTION", "LOAD", "#!lua name=lib2\nreturn redis.call('ping')"}) ==
        Err("ERR Error registering functions: ERR user_function:2: Script attempted to access "
            "nonexistent global variable 'call'"));
  CHECK(h.Run({"FUNCTION", "LOAD",
               "#!lua name=lib2\nredis.register_function{function_name='x', "
               "callback=function() end, flags={'bad'}}"}) ==
        Err("ERR Error registering functions: ERR unknown flag given"));
  CHECK(h.Run({"FUNCTION", "LOAD", kLib1}) == Bulk("lib1"));
  CHECK(h.Run({"FUNCTION", "LOAD",
               "#!lua name=lib2\nredis.register_function('f1', function() return 1 end)"}) ==
        Err("ERR Function f1 already exists"));
  CHECK(h.Run({"FUNCTION", "STATS"}).find("functions_count\r\n:2\r\n") != std::string::npos);
}

TEST_CASE("FUNCTION LIST, DELETE and FLUSH") {
  Harness h;
  CHECK(h.Run({"FUNCTION", "LOAD", kLib1}) == Bulk("lib1"));
  const std::string functions =
      "$9\r\nfunctions\r\n*2\r\n"
      "*6\r\n$4\r\nname\r\n$2\r\nf1\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n"
      "*6\r\n$4\r\nname\r\n$2\r\nf2\r\n$11\r\ndescription\r\n$1\r\nd\r\n$5\r\nflags\r\n*1\r\n"
      "$9\r\nno-writes\r\n";
  CHECK(h.Run({"FUNCTION", "LIST"}) ==
        "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$4\r\nlib1\r\n$6\r\nengine\r\n$3\r\nLUA\r\n" +
            functions);
  CHECK(h.Run({"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib*"}) ==
        "*1\r\n*8\r\n$12\r\nlibrary_name\r\n$4\r\nlib1\r\n$6\r\nengine\r\n$3\r\nLUA\r\n" +
            functions + "$12\r\nlibrary_code\r\n" + Bulk(kLib1));
  CHECK(h.Run({"FUNCTION", "LIST", "LIBRARYNAME", "x*"}) == "*0\r\n");
  CHECK(h.Run({"FUNCTION", "LIST", "foo"}) == Err("ERR Unknown argument foo"));
  CHECK(h.Run({"FUNCTION", "LIST", "LIBRARYNAME"}) ==
        Err("ERR library name argument was not given"));
  CHECK(h.Run({"FUNCTION", "DELETE", "nosuch"}) == Err("ERR Library not found"));
  CHECK(h.Run({"FUNCTION", "DELETE", "lib1"}) == kOk);
  CHECK(h.Run({"FCALL", "f1", "0"}) == Err("ERR Function not found"));
  CHECK(h.Run({"FUNCTION", "LOAD", kLib1}) == Bulk("lib1"));
  CHECK(h.Run({"FUNCTION", "FLUSH", "foo"}) ==
        Err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"));
  CHECK(h.Run({"FUNCTION", "FLUSH", "SYNC"}) == kOk);
  CHECK(h.Run({"FUNCTION", "LIST"}) == "*0\r\n");
}

TEST_CASE("FUNCTION DUMP and RESTORE round trip with each policy") {
  Harness h;
  CHECK(h.Run({"FUNCTION", "LOAD", kLib1}) == Bulk("lib1"));
  const std::string dump = h.Run({"FUNCTION", "DUMP"});
  REQUIRE(dump.starts_with("$"));
  const std::string payload = dump.substr(dump.find("\r\n") + 2, dump.size() - dump.find("\r\n") - 4);
  CHECK(h.Run({"FUNCTION", "RESTORE", payload}) == Err("ERR Library 'lib1' already exists"));
  CHECK(h.Run({"FUNCTION", "RESTORE", payload, "REPLACE"}) == kOk);
  CHECK(h.Run({"FUNCTION", "FLUSH"}) == kOk);
  CHECK(h.Run({"FUNCTION", "RESTORE", payload}) == kOk);
  CHECK(h.Run({"FCALL", "f2", "0"}) == Int(2));
  CHECK(h.Run({"FUNCTION", "RESTORE", payload, "FLUSH"}) == kOk);
  CHECK(h.Run({"FUNCTION", "RESTORE", payload, "BAD"}) ==
        Err("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."));
  std::string damaged = payload;
  damaged[3] ^= 1;
  CHECK(h.Run({"FUNCTION", "RESTORE", damaged}) ==
        Err("ERR DUMP payload version or checksum are wrong"));
  CHECK(h.Run({"FUNCTION", "RESTORE", "foo"}) ==
        Err("ERR DUMP payload version or checksum are wrong"));
  CHECK(h.Run({"FCALL", "f2", "0"}) == Int(2));  // a failed restore changes nothing
}

TEST_CASE("a payload written by redis-server 7.0.15 restores (LZF-compressed code)") {
  Harness h;
  // FUNCTION DUMP of kLib1 from redis-server 7.0.15.
  const std::string payload = RedisDumpOfLib1();
  CHECK(h.Run({"FUNCTION", "RESTORE", payload}) == kOk);
  CHECK(h.Run({"FCALL", "f2", "0"}) == Int(2));
  CHECK(h.Run({"FUNCTION", "LIST", "WITHCODE"}).find(Bulk(kLib1)) != std::string::npos);
}

TEST_CASE("the commands that change libraries are logged as sent") {
  LoggingHarness h;
  CHECK(h.Run({"FUNCTION", "LOAD", kLib1}) == Bulk("lib1"));
  CHECK(h.Run({"FCALL", "f1", "1", "k", "v"}) == kOk);
  CHECK(h.Run({"FUNCTION", "DELETE", "lib1"}) == kOk);
  CHECK(h.TakeLog() == std::vector<std::vector<std::string>>{
                           {"FUNCTION", "LOAD", kLib1}, {"set", "k", "v"},
                           {"FUNCTION", "DELETE", "lib1"}});
}

TEST_CASE("INFO memory counts cached scripts, functions and libraries") {
  Harness h;
  auto memory = [&h] {
    auto v = RespReader::ParseOne(h.Run({"INFO", "memory"}));
    REQUIRE(v.has_value());
    return InfoFields(v->str);
  };
  auto before = memory();
  CHECK(before.at("number_of_cached_scripts") == "0");
  CHECK(before.at("number_of_functions") == "0");
  CHECK(before.at("used_memory_scripts") == "0");
  REQUIRE(h.Run({"SCRIPT", "LOAD", "return 1"}).starts_with("$40"));
  REQUIRE(h.Run({"FUNCTION", "LOAD", kLib1}) == Bulk("lib1"));
  auto after = memory();
  CHECK(after.at("number_of_cached_scripts") == "1");
  CHECK(after.at("number_of_functions") == "2");
  CHECK(after.at("number_of_libraries") == "1");
  CHECK(std::stoll(after.at("used_memory_scripts_eval")) >= 40 + 8);  // sha + body
  CHECK(std::stoll(after.at("used_memory_functions")) >= static_cast<long long>(kLib1.size()));
  CHECK(std::stoll(after.at("used_memory_vm_eval")) > 0);
  CHECK(after.at("used_memory_lua") == after.at("used_memory_vm_eval"));
  CHECK(std::stoll(after.at("used_memory_vm_total")) ==
        std::stoll(after.at("used_memory_vm_eval")) +
            std::stoll(after.at("used_memory_vm_functions")));
  REQUIRE(h.Run({"SCRIPT", "FLUSH"}) == kOk);
  CHECK(memory().at("number_of_cached_scripts") == "0");
}

}  // namespace
}  // namespace kvd::testing

#pragma once
// The `struct` and `cmsgpack` libraries Redis gives scripts, with Redis's API, for which
// Debian has no Lua 5.1 package to link: struct.pack/unpack/size (binary records) and
// cmsgpack.pack/unpack/unpack_one/unpack_limit (MessagePack).
struct lua_State;

namespace kvd {

int OpenStructLibrary(lua_State* L);   // returns the `struct` table
int OpenMsgpackLibrary(lua_State* L);  // returns the `cmsgpack` table

}  // namespace kvd

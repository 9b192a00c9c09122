#pragma once
// SCRIPT DEBUG's sessions (Scripting::DebugEval, server/scripting/lua_debugger.h for the
// debugger itself). YES forks: the child process runs the script under the debugger with the
// client's socket, replies, and exits, so whatever the script changed stays in the child;
// the parent lets go of the connection at once and goes on serving everyone else. SYNC runs
// the session on the store strand, holding every other client until it ends, and its changes
// stay. Either way the client's connection closes once the EVAL has replied.
namespace kvd {

// True in the child process of a forked debugging session. Only the thread that forked runs
// there, so nothing may be handed to the parent's other connections, whose threads are gone.
bool InForkedDebugSession();

}  // namespace kvd

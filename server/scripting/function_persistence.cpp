#include "server/scripting/function_persistence.h"

#include "server/scripting/scripting.h"
#include "server/server_state.h"

namespace kvd {

std::vector<std::string> LibraryCodes(ServerState& server) {
  std::vector<std::string> codes;
  if (!server.script_run.engine) return codes;
  for (const auto& [name, library] : server.script_run.engine->functions().libraries()) {
    codes.push_back(library.code);
  }
  return codes;
}

std::string LoadLibraryCodes(ServerState& server, const std::vector<std::string>& codes) {
  if (codes.empty()) return "";
  FunctionLibraries& libraries = Scripting::Of(server).functions();
  std::vector<std::string> loaded;
  for (const std::string& code : codes) {
    std::string err;
    std::string name = libraries.Load(code, /*replace=*/false, &err);
    if (name.empty()) {
      for (const std::string& done : loaded) libraries.Delete(done);
      // Redis's text without the "ERR " of a command reply.
      if (err.starts_with("ERR ")) err.erase(0, 4);
      return "failed loading a function library: " + err;
    }
    loaded.push_back(std::move(name));
  }
  return "";
}

}  // namespace kvd

#include "server/aof/aof_upgrade.h"

#include <cstdio>

#include <spdlog/spdlog.h>

#include "server/aof/aof_files.h"

namespace kvd {

std::string UpgradeOldStyleAof(const std::string& dir, const std::string& aof_dir,
                               const std::string& appendfilename, AofManifest& manifest,
                               bool* upgraded) {
  *upgraded = false;
  const std::string old_path = JoinPath(dir, appendfilename);
  if (!FileExists(old_path)) return "";
  const std::string new_path = JoinPath(aof_dir, appendfilename);
  // Redis's three cases: no directory; a manifest that lists nothing; an interrupted
  // upgrade (the manifest names only the old file as base, and it is not moved yet).
  const bool interrupted = manifest.base && manifest.incr.empty() &&
                           manifest.base->name == appendfilename && !FileExists(new_path);
  if (DirectoryExists(aof_dir) && !manifest.empty() && !interrupted) return "";

  if (std::string err = EnsureDirectory(aof_dir); !err.empty()) return err;
  AofManifest next = manifest;
  next.base = AofFileInfo{appendfilename, 1, AofFileInfo::Type::kBase};
  next.base_seq = 1;
  if (std::string err = WriteFileAtomically(aof_dir, AofManifestName(appendfilename),
                                            AofTempManifestName(appendfilename),
                                            FormatAofManifest(next));
      !err.empty()) {
    return err;
  }
  if (std::rename(old_path.c_str(), new_path.c_str()) != 0) {
    return FileError("Error trying to move the old AOF file " + appendfilename + " into dir",
                     aof_dir);
  }
  if (std::string err = FsyncDirectory(aof_dir); !err.empty()) return err;
  if (std::string err = FsyncDirectory(dir); !err.empty()) return err;
  manifest = std::move(next);
  *upgraded = true;
  const size_t slash = aof_dir.find_last_of('/');
  spdlog::info("Successfully migrated an old-style AOF file ({}) into the AOF directory ({}).",
               appendfilename, slash == std::string::npos ? aof_dir : aof_dir.substr(slash + 1));
  return "";
}

}  // namespace kvd

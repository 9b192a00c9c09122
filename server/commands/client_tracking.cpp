// CLIENT TRACKING|CACHING|GETREDIR|TRACKINGINFO, as Redis's clientCommand.
#include "server/commands/client_tracking.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/client_state.h"
#include "server/commands/key_spec.h"
#include "server/errors.h"
#include "server/server_state.h"
#include "server/tracking.h"

namespace kvd {
namespace {

std::string OverlapError(std::string_view prefix, std::string_view kind,
                         std::string_view other) {
  return "ERR Prefix '" + std::string(prefix) + "' overlaps with " + std::string(kind) +
         " prefix '" + std::string(other) + "'. Prefixes for a single client must not overlap.";
}

bool Overlap(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]:
// options are parsed whatever the mode, then checked against each other and the client's
// current mode, with Redis's errors in Redis's order.
void CmdClientTracking(CommandContext& ctx) {
  ClientState& c = ctx.client;
  TrackingOptions opt;
  const size_t argc = ctx.args.size();
  for (size_t j = 3; j < argc; ++j) {
    const std::string_view a = ctx.args[j];
    const bool more = j + 1 < argc;
    if (EqualsIgnoreCase(a, "redirect") && more) {
      ++j;
      if (opt.redirect != 0) {
        return ctx.Error("ERR A client can only redirect to a single other client");
      }
      const std::optional<int64_t> id = ParseInt64(ctx.args[j]);
      if (!id) return ctx.Error(kNotIntegerErr);
      // The client must exist now, though it may go away later.
      if (*id <= 0 || !ctx.server.clients.contains(static_cast<uint64_t>(*id))) {
        return ctx.Error("ERR The client ID you want redirect to does not exist");
      }
      opt.redirect = static_cast<uint64_t>(*id);
    } else if (EqualsIgnoreCase(a, "bcast")) {
      opt.bcast = true;
    } else if (EqualsIgnoreCase(a, "optin")) {
      opt.optin = true;
    } else if (EqualsIgnoreCase(a, "optout")) {
      opt.optout = true;
    } else if (EqualsIgnoreCase(a, "noloop")) {
      opt.noloop = true;
    } else if (EqualsIgnoreCase(a, "prefix") && more) {
      opt.prefixes.emplace_back(ctx.args[++j]);
    } else {
      return ctx.Error(kSyntaxErr);
    }
  }
  Tracking& tracking = ctx.server.tracking;
  if (EqualsIgnoreCase(ctx.args[2], "off")) {
    tracking.Disable(c);
    return ctx.reply.Ok();
  }
  if (!EqualsIgnoreCase(ctx.args[2], "on")) return ctx.Error(kSyntaxErr);
  if (!opt.bcast && !opt.prefixes.empty()) {
    return ctx.Error("ERR PREFIX option requires BCAST mode to be enabled");
  }
  if (c.tracking && c.tracking_bcast != opt.bcast) {
    return ctx.Error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
        "and then re-enabling it with a different mode.");
  }
  if (opt.bcast && (opt.optin || opt.optout)) {
    return ctx.Error("ERR OPTIN and OPTOUT are not compatible with BCAST");
  }
  if (opt.optin && opt.optout) {
    return ctx.Error("ERR You can't specify both OPTIN mode and OPTOUT mode");
  }
  if ((opt.optin && c.tracking_optout) || (opt.optout && c.tracking_optin)) {
    return ctx.Error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
        "and then re-enabling it with a different mode.");
  }
  if (opt.bcast) {
    for (size_t i = 0; i < opt.prefixes.size(); ++i) {
      if (const std::string* mine = tracking.Overlapping(c, opt.prefixes[i])) {
        return ctx.Error(OverlapError(opt.prefixes[i], "an existing", *mine));
      }
      for (size_t k = i + 1; k < opt.prefixes.size(); ++k) {
        if (Overlap(opt.prefixes[i], opt.prefixes[k])) {
          return ctx.Error(OverlapError(opt.prefixes[i], "another provided", opt.prefixes[k]));
        }
      }
    }
  }
  tracking.Enable(c, opt);
  ctx.reply.Ok();
}

// CLIENT CACHING YES|NO: whether the next command's keys are remembered, in OPTIN or OPTOUT
// mode.
void CmdClientCaching(CommandContext& ctx) {
  ClientState& c = ctx.client;
  if (!c.tracking) {
    return ctx.Error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
        "or OPTOUT mode enabled");
  }
  if (EqualsIgnoreCase(ctx.args[2], "yes")) {
    if (!c.tracking_optin) {
      return ctx.Error(
          "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
    }
  } else if (EqualsIgnoreCase(ctx.args[2], "no")) {
    if (!c.tracking_optout) {
      return ctx.Error(
          "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
    }
  } else {
    return ctx.Error(kSyntaxErr);
  }
  c.tracking_caching = true;
  ctx.reply.Ok();
}

void CmdClientGetRedir(CommandContext& ctx) {
  const ClientState& c = ctx.client;
  ctx.reply.Integer(c.tracking ? static_cast<int64_t>(c.tracking_redirect) : -1);
}

void CmdClientTrackingInfo(CommandContext& ctx) {
  const ClientState& c = ctx.client;
  std::vector<std::string_view> flags{c.tracking ? "on" : "off"};
  if (c.tracking_bcast) flags.push_back("bcast");
  if (c.tracking_optin) {
    flags.push_back("optin");
    if (c.tracking_caching) flags.push_back("caching-yes");
  }
  if (c.tracking_optout) {
    flags.push_back("optout");
    if (c.tracking_caching) flags.push_back("caching-no");
  }
  if (c.tracking_noloop) flags.push_back("noloop");
  if (c.tracking_broken_redir) flags.push_back("broken_redirect");
  ctx.reply.MapHeader(3);
  ctx.reply.Bulk("flags");
  ctx.reply.SetHeader(flags.size());
  for (std::string_view f : flags) ctx.reply.Bulk(f);
  ctx.reply.Bulk("redirect");
  ctx.reply.Integer(c.tracking ? static_cast<int64_t>(c.tracking_redirect) : -1);
  ctx.reply.Bulk("prefixes");
  const std::vector<std::string_view> prefixes = ctx.server.tracking.PrefixesOf(c);
  ctx.reply.ArrayHeader(prefixes.size());
  for (std::string_view p : prefixes) ctx.reply.Bulk(p);
}

constexpr uint32_t kFlags = kNoScript | kLoading | kStale;
constexpr std::string_view kCats = "@slow @connection";

}  // namespace

std::vector<CommandSpec> ClientTrackingSubcommands() {
  return {
      MakeSpec("client|tracking", -3, kFlags, {}, CmdClientTracking,
               {kCats, "connection", "6.0.0",
                "Controls server-assisted client-side caching for the connection.",
                "O(1). Some options may introduce additional complexity."}),
      MakeSpec("client|caching", 3, kFlags, {}, CmdClientCaching,
               {kCats, "connection", "6.0.0",
                "Instructs the server whether to track the keys in the next request.", "O(1)"}),
      MakeSpec("client|getredir", 2, kFlags, {}, CmdClientGetRedir,
               {kCats, "connection", "6.0.0",
                "Returns the client ID to which the connection's tracking notifications are "
                "redirected.",
                "O(1)"}),
      MakeSpec("client|trackinginfo", 2, kFlags, {}, CmdClientTrackingInfo,
               {kCats, "connection", "6.2.0",
                "Returns information about server-assisted client-side caching for the "
                "connection.",
                "O(1)"}),
  };
}

}  // namespace kvd

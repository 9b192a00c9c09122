// LOLWUT [VERSION v] [args...]: the version line, with Redis's computer art for versions 5
// (Georg Nees's Schotter in Braille dots) and 6 (a skyline in four terminal grays), as
// Redis 7 draws them. Like Redis's, the pictures are random and the reply is verbatim text.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/numeric.h"
#include "core/text.h"
#include "server/command.h"
#include "server/commands/key_spec.h"
#include "server/commands/redis_compat.h"
#include "server/errors.h"

namespace kvd {
namespace {

// A grid of pixels, each a color number; drawing outside it does nothing.
class Canvas {
 public:
  Canvas(int width, int height, uint8_t background)
      : width_(width),
        height_(height),
        pixels_(static_cast<size_t>(width) * static_cast<size_t>(height), background) {}
  int width() const { return width_; }
  int height() const { return height_; }

  void Set(int x, int y, uint8_t color) {
    if (x >= 0 && x < width_ && y >= 0 && y < height_) pixels_[Index(x, y)] = color;
  }
  uint8_t Get(int x, int y) const {
    return x >= 0 && x < width_ && y >= 0 && y < height_ ? pixels_[Index(x, y)] : 0;
  }

  // Bresenham's line.
  void Line(int x1, int y1, int x2, int y2, uint8_t color) {
    const int dx = std::abs(x2 - x1), dy = std::abs(y2 - y1);
    const int sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1;
    int err = dx - dy;
    while (true) {
      Set(x1, y1, color);
      if (x1 == x2 && y1 == y2) return;
      const int e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }

  // A square of side `size` centred on x,y, turned by `angle` radians: its corners lie on
  // the circle through them, a quarter turn apart.
  void Square(int x, int y, float size, float angle, uint8_t color) {
    const float radius = std::round(size / 1.4142135623f);
    int px[4], py[4];
    float k = static_cast<float>(M_PI / 4) + angle;
    for (int j = 0; j < 4; ++j) {
      px[j] = static_cast<int>(std::round(std::sin(k) * radius + x));
      py[j] = static_cast<int>(std::round(std::cos(k) * radius + y));
      k += static_cast<float>(M_PI / 2);
    }
    for (int j = 0; j < 4; ++j) Line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
  }

 private:
  size_t Index(int x, int y) const {
    return static_cast<size_t>(y) * static_cast<size_t>(width_) + static_cast<size_t>(x);
  }

  int width_, height_;
  std::vector<uint8_t> pixels_;
};

// Non-negative random integers, as C's rand() gives the drawings.
int Rand() {
  static std::mt19937 rng{std::random_device{}()};
  return static_cast<int>(rng() >> 1);
}
float RandUnit() { return static_cast<float>(Rand()) / static_cast<float>(INT32_MAX); }

// ---- Version 5: Schotter ----

Canvas DrawSchotter(int cols, int squares_per_row, int squares_per_col) {
  const int width = cols * 2;
  const int padding = width > 4 ? 2 : 0;
  const float side = static_cast<float>(width - padding * 2) / static_cast<float>(squares_per_row);
  Canvas canvas(width, static_cast<int>(side * static_cast<float>(squares_per_col)) + padding * 2,
                0);
  for (int y = 0; y < squares_per_col; ++y) {
    for (int x = 0; x < squares_per_row; ++x) {
      int sx = static_cast<int>(static_cast<float>(x) * side + side / 2) + padding;
      int sy = static_cast<int>(static_cast<float>(y) * side + side / 2) + padding;
      float angle = 0;
      if (y > 1) {  // more disorder further down
        const float scale = static_cast<float>(y) / static_cast<float>(squares_per_col);
        float r1 = RandUnit() * scale, r2 = RandUnit() * scale, r3 = RandUnit() * scale;
        if (Rand() % 2) r1 = -r1;
        if (Rand() % 2) r2 = -r2;
        if (Rand() % 2) r3 = -r3;
        angle = r1;
        sx = static_cast<int>(static_cast<float>(sx) + r2 * side / 3);
        sy = static_cast<int>(static_cast<float>(sy) + r3 * side / 3);
      }
      canvas.Square(sx, sy, side, angle, 1);
    }
  }
  return canvas;
}

// One Braille character per 2x4 pixels (dots 1-8 of U+2800), rows of them on lines.
std::string RenderBraille(const Canvas& c) {
  std::string text;
  for (int y = 0; y < c.height(); y += 4) {
    for (int x = 0; x < c.width(); x += 2) {
      int dots = 0;
      if (c.Get(x, y)) dots |= 1 << 0;
      if (c.Get(x, y + 1)) dots |= 1 << 1;
      if (c.Get(x, y + 2)) dots |= 1 << 2;
      if (c.Get(x + 1, y)) dots |= 1 << 3;
      if (c.Get(x + 1, y + 1)) dots |= 1 << 4;
      if (c.Get(x + 1, y + 2)) dots |= 1 << 5;
      if (c.Get(x, y + 3)) dots |= 1 << 6;
      if (c.Get(x + 1, y + 3)) dots |= 1 << 7;
      const int code = 0x2800 + dots;  // three bytes of UTF-8
      text += static_cast<char>(0xE0 | (code >> 12));
      text += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (code & 0x3F));
    }
    if (y != c.height() - 1) text += '\n';
  }
  return text;
}

// ---- Version 6: a skyline ----

struct Skyscraper {
  int xoff, width, height;
  bool windows;
  uint8_t color;
};

void DrawSkyscraper(Canvas& c, const Skyscraper& s) {
  const int bottom = c.height() - 1;
  const int top = bottom - s.height + 1;
  for (int y = bottom; y >= top; --y) {
    for (int x = s.xoff; x < s.xoff + s.width; ++x) {
      if (y == top && (x <= s.xoff + 1 || x >= s.xoff + s.width - 2)) continue;  // the roof
      uint8_t color = s.color;
      if (s.windows && x > s.xoff + 1 && x < s.xoff + s.width - 2 && y > top + 1 &&
          y < bottom - 1) {
        const int relx = x - (s.xoff + 1), rely = y - (top + 1);
        // Windows two pixels wide and one tall (terminal cells are not square), in one of
        // the grays other than the wall's, both pixels of a window alike.
        if ((relx / 2) % 2 && rely % 2) {
          do {
            color = static_cast<uint8_t>(1 + Rand() % 2);
          } while (color == s.color);
          if (relx % 2) color = c.Get(x - 1, y);
        }
      }
      c.Set(x, y, color);
    }
  }
}

void DrawSkyline(Canvas& c) {
  // Background buildings without windows, the lighter gray behind.
  for (uint8_t color = 2; color >= 1; --color) {
    for (int offset = -10; offset < c.width();) {
      offset += Rand() % 8;
      Skyscraper s{offset, 10 + Rand() % 9, 0, false, color};
      s.height = c.height() / 2 + (Rand() % c.height()) / (color == 2 ? 2 : 3);
      DrawSkyscraper(c, s);
      offset += color == 2 ? s.width / 2 : s.width + 1;
    }
  }
  // Foreground buildings with windows.
  for (int offset = -10; offset < c.width();) {
    offset += Rand() % 8;
    Skyscraper s{offset, 5 + Rand() % 14, 0, true, 0};
    if (s.width % 4) s.width += s.width % 3;
    s.height = c.height() / 3 + (Rand() % c.height()) / 2;
    DrawSkyscraper(c, s);
    offset += s.width + 5;
  }
}

// Each pixel a space in one of the terminal's four grays, set as both foreground and
// background so that terminals agree.
std::string RenderGrays(const Canvas& c) {
  static constexpr std::string_view kColors[] = {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"};
  std::string text;
  for (int y = 0; y < c.height(); ++y) {
    for (int x = 0; x < c.width(); ++x) {
      const uint8_t color = c.Get(x, y);
      text += "\033[";
      text += kColors[color < 4 ? color : 0];
      text += " \033[0m";
    }
    if (y != c.height() - 1) text += '\n';
  }
  return text;
}

// ---- The command ----

// The arguments after the version's own, as longs clamped to [1, max], or an error reply.
std::optional<std::vector<long>> Sizes(CommandContext& ctx, std::span<const std::string_view> args,
                                       std::vector<long> defaults, long max) {
  for (size_t i = 0; i < defaults.size() && i < args.size(); ++i) {
    const std::optional<int64_t> v = ParseInt64(args[i]);
    if (!v) {
      ctx.Error(kNotIntegerErr);
      return std::nullopt;
    }
    defaults[i] = static_cast<long>(*v);
  }
  for (long& v : defaults) v = std::clamp(v, 1L, max);
  return defaults;
}

void Lolwut5(CommandContext& ctx, std::span<const std::string_view> args) {
  const auto sizes = Sizes(ctx, args, {66, 8, 12}, 1000);  // columns, squares per row, per col
  if (!sizes) return;
  const int cols = static_cast<int>((*sizes)[0]);
  const int per_row = static_cast<int>(std::min((*sizes)[1], 200L));
  const int per_col = static_cast<int>(std::min((*sizes)[2], 200L));
  std::string text = RenderBraille(DrawSchotter(cols, per_row, per_col));
  text += "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ";
  text += kRedisCompatVersion;
  text += '\n';
  ctx.reply.Verbatim("txt", text);
}

void Lolwut6(CommandContext& ctx, std::span<const std::string_view> args) {
  const auto sizes = Sizes(ctx, args, {80, 20}, 1000);  // columns, rows
  if (!sizes) return;
  Canvas canvas(static_cast<int>((*sizes)[0]), static_cast<int>((*sizes)[1]), 3);
  DrawSkyline(canvas);
  std::string text = RenderGrays(canvas);
  text +=
      "\nDedicated to the 8 bit game developers of past and present.\n"
      "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ";
  text += kRedisCompatVersion;
  text += '\n';
  ctx.reply.Verbatim("txt", text);
}

// Redis's choice by version string: 5.x (and 4.9) draws Schotter, 6.x (and 5.9) the skyline,
// anything else only says the version.
void Lolwut(CommandContext& ctx) {
  std::string version(kRedisCompatVersion);
  std::span<const std::string_view> args = ctx.args.subspan(1);
  if (ctx.args.size() >= 3 && EqualsIgnoreCase(ctx.args[1], "version")) {
    const std::optional<int64_t> v = ParseInt64(ctx.args[2]);
    if (!v) return ctx.Error(kNotIntegerErr);
    version = std::to_string(static_cast<uint32_t>(*v)) + ".0.0";
    args = ctx.args.subspan(3);
  }
  const std::string_view major = std::string_view(version).substr(0, version.find('.'));
  const bool point_nine =
      version.find('.') + 1 < version.size() && version[version.find('.') + 1] == '9';
  if ((major == "5" && !point_nine) || (major == "4" && point_nine)) return Lolwut5(ctx, args);
  if ((major == "6" && !point_nine) || (major == "5" && point_nine)) return Lolwut6(ctx, args);
  ctx.reply.Verbatim("txt", "Redis ver. " + std::string(kRedisCompatVersion) + "\n");
}

}  // namespace

void RegisterLolwutCommand(CommandTable& t) {
  t.Add(MakeSpec(
      "lolwut", -1, kReadOnly | kFast, kNoKeys, Lolwut,
      {"@read @fast", "server", "5.0.0", "Displays computer art and the Redis version", ""}));
}

}  // namespace kvd

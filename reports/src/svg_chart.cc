#include "svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "format_util.h"

namespace tracesim::reports::internal {
namespace {

constexpr double kMarginLeft = 72;
constexpr double kMarginRight = 24;
constexpr double kMarginTop = 34;
constexpr double kMarginBottom = 46;
constexpr const char* kFaultColor = "#e15759";

// Tick label for v on an axis whose ticks are `step` apart and whose largest
// magnitude is `span`: "0", "2.5", "150", "12k", "1.5M".
std::string TickLabel(double v, double step, double span) {
  double div = 1;
  const char* suffix = "";
  if (span >= 1e9) {
    div = 1e9;
    suffix = "G";
  } else if (span >= 1e6) {
    div = 1e6;
    suffix = "M";
  } else if (span >= 1e4) {
    div = 1e3;
    suffix = "k";
  }
  const double s = step / div;
  int decimals = 0;
  while (decimals < 6) {
    const double scaled = s * std::pow(10.0, decimals);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) break;
    ++decimals;
  }
  double shown = v / div;
  if (std::abs(shown) < 1e-12) return "0";
  return fmt::format("{:.{}f}{}", shown, decimals, suffix);
}

template <typename... Args>
void Emit(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

}  // namespace

double NiceStep(double range, int target) {
  if (!(range > 0) || !std::isfinite(range)) return 1;
  const double raw = range / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  double nice = 10;
  if (f <= 1) {
    nice = 1;
  } else if (f <= 2) {
    nice = 2;
  } else if (f <= 2.5) {
    nice = 2.5;
  } else if (f <= 5) {
    nice = 5;
  }
  return nice * mag;
}

std::string RenderSvgLineChart(const LineChart& c) {
  const double w = c.width, h = c.height;
  const double px0 = kMarginLeft, px1 = w - kMarginRight;
  const double py0 = kMarginTop, py1 = h - kMarginBottom;

  // Domains.
  double x_min = c.x_min, x_max = c.x_max;
  if (!(x_max > x_min)) {
    x_min = c.x.empty() ? 0 : c.x.front();
    x_max = c.x.empty() ? 1 : c.x.back();
    for (double x : c.x) {
      if (std::isfinite(x)) {
        x_min = std::min(x_min, x);
        x_max = std::max(x_max, x);
      }
    }
    if (!(x_max > x_min)) x_max = x_min + 1;
  }
  double y_data_max = 0;
  for (const ChartSeries& s : c.series) {
    for (double y : s.y) {
      if (std::isfinite(y)) y_data_max = std::max(y_data_max, y);
    }
  }
  // 5 % headroom so that a line at the maximum does not run along the frame.
  const double y_top = y_data_max > 0 ? y_data_max * 1.05 : 1;
  const double y_step = NiceStep(y_top, 5);
  const double y_max = std::max(y_step, std::ceil(y_top / y_step - 1e-9) * y_step);
  const double x_step = NiceStep(x_max - x_min, 10);

  auto X = [&](double x) { return px0 + (x - x_min) / (x_max - x_min) * (px1 - px0); };
  auto Y = [&](double y) { return py1 - y / y_max * (py1 - py0); };

  std::string out;

  Emit(out,
       R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" )"
       R"(aria-label="{}" class="chart" font-size="12">)",
       c.width, c.height, c.width, c.height, HtmlEscape(c.title));
  out += '\n';
  Emit(out, R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#ffffff" stroke="none"/>)",
       px0, py0, px1 - px0, py1 - py0);
  out += '\n';

  // Fault bands (under the grid and lines).
  for (const ChartBand& b : c.bands) {
    double start = std::clamp(b.start, x_min, x_max);
    double end = b.end < b.start ? x_max : std::clamp(b.end, x_min, x_max);
    if (b.start > x_max || (b.end >= b.start && b.end < x_min)) continue;
    const std::string label = HtmlEscape(b.label);
    if (end <= start) {
      Emit(out,
           R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="1.5" )"
           R"(stroke-dasharray="4 3"><title>{4}</title></line>)",
           X(start), py0, py1, kFaultColor, label);
    } else {
      Emit(out,
           R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}" fill-opacity="0.12">)"
           R"(<title>{}</title></rect>)",
           X(start), py0, X(end) - X(start), py1 - py0, kFaultColor, label);
    }
    out += '\n';
    // The label inside the band when it fits (about 6.5 px per character at
    // 11 px), else the short tag; a marker's label goes to its right.
    const double room = end <= start ? std::max(px1 - X(start) - 8, 0.0) : std::max(X(end) - X(start), 0.0);
    auto fits = [room](const std::string& text) {
      return room >= 6.5 * static_cast<double>(text.size()) + 8;
    };
    const std::string* text = fits(b.label) ? &b.label : fits(b.tag) ? &b.tag : nullptr;
    if (text != nullptr && !text->empty()) {
      Emit(out, R"(<text x="{:.1f}" y="{:.1f}" fill="#b03a3c" font-size="11">{}</text>)", X(start) + 4,
           py0 + 13, HtmlEscape(*text));
      out += '\n';
    }
  }

  // Grid and y ticks.
  for (int i = 0;; ++i) {
    const double y = i * y_step;
    if (y > y_max + y_step * 1e-9) break;
    Emit(out, R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1"/>)", px0,
         Y(y), px1, Y(y), i == 0 ? "#888888" : "#e5e5e5");
    Emit(out, R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end" fill="#444444">{}</text>)", px0 - 6, Y(y) + 4,
         TickLabel(y, y_step, y_max));
    out += '\n';
  }
  // x ticks.
  const double first_tick = std::ceil(x_min / x_step - 1e-9) * x_step;
  for (int i = 0;; ++i) {
    const double x = first_tick + i * x_step;
    if (x > x_max + x_step * 1e-9) break;
    Emit(out,
         R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#888888" stroke-width="1"/>)",
         X(x), py1, py1 + 5);
    Emit(out, R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="#444444">{}</text>)", X(x), py1 + 18,
         TickLabel(x, x_step, std::max(std::abs(x_min), std::abs(x_max))));
    out += '\n';
  }
  Emit(out,
       R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#888888" stroke-width="1"/>)",
       px0, py0, py1);
  out += '\n';
  // Axis labels.
  Emit(out, R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="#222222">{}</text>)", (px0 + px1) / 2,
       h - 8, HtmlEscape(c.x_label));
  Emit(
      out,
      R"svg(<text transform="translate(16 {:.1f}) rotate(-90)" text-anchor="middle" fill="#222222">{}</text>)svg",
      (py0 + py1) / 2, HtmlEscape(c.y_label));
  out += '\n';

  // Series.
  for (const ChartSeries& s : c.series) {
    const std::string dash = s.dashed ? R"( stroke-dasharray="6 4")" : "";
    std::string points;
    size_t n_points = 0;
    double last_x = 0, last_y = 0;
    auto flush = [&]() {
      if (n_points == 1) {
        Emit(out, R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"><title>{}</title></circle>)", last_x,
             last_y, s.color, HtmlEscape(s.name));
        out += '\n';
      } else if (n_points > 1) {
        Emit(out,
             R"(<polyline fill="none" stroke="{}" stroke-width="2" stroke-linejoin="round"{} points="{}">)"
             R"(<title>{}</title></polyline>)",
             s.color, dash, points, HtmlEscape(s.name));
        out += '\n';
      }
      points.clear();
      n_points = 0;
    };
    const size_t n = std::min(s.y.size(), c.x.size());
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.y[i]) || !std::isfinite(c.x[i]) || c.x[i] < x_min || c.x[i] > x_max) {
        flush();
        continue;
      }
      last_x = X(c.x[i]);
      last_y = Y(s.y[i]);
      if (!points.empty()) points += ' ';
      points += fmt::format("{:.1f},{:.1f}", last_x, last_y);
      ++n_points;
    }
    flush();
  }

  // Legend, above the plot.
  double lx = px0;
  auto legend_item = [&](const std::string& name, const std::string& swatch) {
    out += swatch;
    Emit(out, R"(<text x="{:.1f}" y="18" fill="#222222">{}</text>)", lx + 24, HtmlEscape(name));
    out += '\n';
    lx += 24 + 7.0 * static_cast<double>(name.size()) + 22;
  };
  for (const ChartSeries& s : c.series) {
    legend_item(
        s.name,
        fmt::format(R"(<line x1="{:.1f}" y1="14" x2="{:.1f}" y2="14" stroke="{}" stroke-width="3"{}/>)", lx,
                    lx + 18, s.color, s.dashed ? R"( stroke-dasharray="5 3")" : ""));
  }
  if (!c.bands.empty()) {
    legend_item(
        "fault",
        fmt::format(R"(<rect x="{:.1f}" y="8" width="18" height="12" fill="{}" fill-opacity="0.25"/>)", lx,
                    kFaultColor));
  }
  out += "</svg>";
  return out;
}

}  // namespace tracesim::reports::internal

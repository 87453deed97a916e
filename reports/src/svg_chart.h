// Internal to tracesim_reports: a small self-contained SVG line chart (axes,
// nice ticks, grid, legend, polylines, shaded intervals) for report.html.
#pragma once

#include <string>
#include <vector>

namespace tracesim::reports::internal {

struct ChartSeries {
  std::string name;
  std::string color;      // CSS colour, e.g. "#4e79a7"
  std::vector<double> y;  // one value per LineChart::x; non-finite values break the line
  bool dashed = false;
};

// A shaded x interval (a fault). end < start means "until the end of the chart";
// end == start draws a vertical marker.
struct ChartBand {
  double start = 0;
  double end = -1;
  std::string label;  // shown in the band when it fits, and as its tooltip
  std::string tag;    // shown instead when the label does not fit (e.g. "#2")
};

struct LineChart {
  std::string title;  // used as the accessible name (aria-label)
  std::string x_label = "simulated time (s)";
  std::string y_label;
  std::vector<double> x;  // ascending
  std::vector<ChartSeries> series;
  std::vector<ChartBand> bands;
  double x_min = 0;  // x domain; x_max <= x_min means "from the data"
  double x_max = 0;
  int width = 1000;
  int height = 300;
};

// The <svg> element. All text is HTML-escaped. Deterministic.
std::string RenderSvgLineChart(const LineChart& chart);

// A step of 1, 2, 2.5 or 5 times a power of ten giving about `target` intervals over `range`.
double NiceStep(double range, int target);

}  // namespace tracesim::reports::internal

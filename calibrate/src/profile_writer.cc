#include "tracesim/calibrate/profile_writer.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace tracesim::calibrate {
namespace {

std::string Fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// "32.16 (31.87-40.88)"
std::string Spread(const Measurement& m) {
  return Fixed2(m.median_ns_per_op) + " (" + Fixed2(m.min_ns_per_op) + "-" + Fixed2(m.max_ns_per_op) + ")";
}

// "key: value" padded so that the comments line up.
std::string Line(const std::string& key, const std::string& value, const std::string& comment) {
  std::string line = key + ": " + value;
  if (line.size() < 40) line.append(40 - line.size(), ' ');
  return line + " # " + comment + "\n";
}

}  // namespace

std::string YamlQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string FormatProfileYaml(const Calibration& c, const MachineInfo& machine, bool warm_heap) {
  const scenario::CostProfile& p = c.profile;
  std::string y;
  y += "# tracesim CPU cost profile, written by `tracesim calibrate` (docs/performance.md, "
       "\"Calibration\").\n";
  y += "# Every figure is CPU time in nanoseconds per operation on the machine below: the median of\n";
  y += "# " + std::to_string(c.measure.repetitions) +
       " runs of the real pipeline code, each timed with the thread CPU clock. reference_flops 1e9\n";
  y += "# makes this machine a 1 Gf host: a simulated host of speed S flop/s spends c * 1e9 / S ns\n";
  y += "# on an operation of c ns. Use it in a scenario with\n";
  y += "#   tracing: {costs: {profile: <path of this file, relative to the scenario's folder>}}\n";
  y += "# Comments: median (min-max) over the runs, then the code path that ran.\n";
  y += "name: " + YamlQuote(p.name) + "\n";
  y += "reference_flops: 1e9\n";

  const std::pair<const char*, double> fields[] = {
      {"span_start_ns", p.span_start_ns},
      {"span_end_ns", p.span_end_ns},
      {"sampler_decision_ns", p.sampler_decision_ns},
      {"attribute_set_ns", p.attribute_set_ns},
      {"bsp_enqueue_ns", p.bsp_enqueue_ns},
      {"export_serialize_per_span_ns", p.export_serialize_per_span_ns},
      {"collector_receive_per_span_ns", p.collector_receive_per_span_ns},
      {"collector_batch_per_span_ns", p.collector_batch_per_span_ns},
      {"collector_export_per_span_ns", p.collector_export_per_span_ns},
      {"store_insert_per_span_ns", p.store_insert_per_span_ns},
      {"store_lookup_ns", p.store_lookup_ns},
      {"store_search_per_span_ns", p.store_search_per_span_ns},
  };
  const PathFigure* always_on = FindPath(c, "always_on_decision_ns");
  for (const auto& [key, value] : fields) {
    const PathFigure* f = FindPath(c, key);
    std::string comment =
        f == nullptr ? std::string("not measured") : Spread(f->measurement) + " " + f->code_path;
    if (std::string_view(key) == "span_start_ns" && always_on != nullptr) {
      comment += "; minus the AlwaysOn decision, " + Spread(always_on->measurement);
    }
    y += Line(key, Fixed2(value), comment);
  }
  if (const PathFigure* life = FindPath(c, "span_lifecycle_ns")) {
    const double parts = p.span_start_ns + (always_on ? always_on->measurement.median_ns_per_op : 0) +
                         p.span_end_ns + p.bsp_enqueue_ns;
    y += "# Cross-check, ns per span: " + life->code_path + " (hot cache): " + Spread(life->measurement) +
         ";\n#   span_start + AlwaysOn decision + span_end + bsp_enqueue = " + Fixed2(parts) + ".\n";
  }

  y += "machine:\n";
  y += "  cpu_model: " + YamlQuote(machine.cpu_model) + "\n";
  y += "  cores: " + std::to_string(machine.cores) + "\n";
  y += "  compiler: " + YamlQuote(machine.compiler) + "\n";
  y += "  compiler_flags: " + YamlQuote(machine.compiler_flags) + "\n";
  y += "  build_type: " + YamlQuote(machine.build_type) + "\n";
  y += "  date: " + YamlQuote(machine.date) + "\n";
  y += "  load_average: " + YamlQuote(machine.load_average) + "\n";
  y += "method:\n";
  y += "  clock: thread_cpu\n";
  y += "  repetitions: " + std::to_string(c.measure.repetitions) + "\n";
  y += "  warmup_runs: " + std::to_string(c.measure.warmup_runs) + "\n";
  y += "  ops_per_run: " + std::to_string(c.measure.ops_per_run) + "\n";
  y += std::string("  warm_heap: ") + (warm_heap ? "true" : "false") + "\n";
  return y;
}

}  // namespace tracesim::calibrate

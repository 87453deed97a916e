#include "tracesim/reports/comparison.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "html_check.h"
#include "sample_results.h"

namespace tracesim::reports {
namespace {

using Json = nlohmann::ordered_json;
using Runs = std::vector<std::pair<std::string, Results>>;
using testing::Count;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::NestingError;
using ::testing::Not;
using testing::SampleResults;

// Tail sampling of the same scenario: every error trace and most slow traces
// kept, fewer traces overall, a better p99 estimate and a higher CPU cost.
Results TailSampled() {
  Results r = SampleResults();
  r.sampler = "AlwaysOn";
  r.spans.stored = 16450;
  r.traces.kept = 2210;
  r.traces.broken = 12;
  r.sampling.error_traces_kept = 236;
  r.sampling.slow_traces_kept = 290;
  r.sampling.bytes_per_kept_trace = 3126.5;
  for (ServiceRed& m : r.sampling.red) m.p99_rel_error /= 4;  // payment: 4.4 %
  r.overhead.cpu_pct = 5.25;
  r.request_latency.p99_ms = 46.1;
  return r;
}

// A run without tracing: nothing kept, nothing to estimate, no baseline.
Results TracingOff() {
  Results r;
  r.scenario_name = "collector-crash";
  r.tracing_enabled = false;
  r.sampling.error_traces = 236;  // the ground truth exists, nothing was kept
  return r;
}

std::string BodyOf(const std::string& html) {
  const size_t begin = html.find("<body>");
  const size_t end = html.find("</body>");
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  return html.substr(begin, end + 7 - begin);
}

Runs TwoVariants() { return {{"head-25pct", SampleResults()}, {"tail", TailSampled()}}; }

TEST(FormatVariantComparisonTest, SideBySideTable) {
  EXPECT_EQ(FormatVariantComparison(TwoVariants()),
            "scenario collector-crash: 2 variants\n"
            "                                 head-25pct              tail\n"
            "stored spans                         53,800            16,450\n"
            "kept traces                           7,410             2,210\n"
            "error traces kept                    23.3 %           100.0 %\n"
            "slow traces kept                     23.8 %            97.3 %\n"
            "broken traces                           507                12\n"
            "bytes per kept trace                3.05 kB           3.13 kB\n"
            "RED p99 rel. error (max)   17.5 % (payment)   4.4 % (payment)\n"
            "overhead cpu                         +3.4 %            +5.2 %\n"
            "request p99                         45.6 ms           46.1 ms\n");
}

TEST(FormatVariantComparisonTest, UndefinedFiguresAreNotAvailable) {
  const std::string s = FormatVariantComparison({{"off", TracingOff()}});
  EXPECT_EQ(s,
            "scenario collector-crash: 1 variant\n"
            "                             off\n"
            "stored spans                   0\n"
            "kept traces                    0\n"
            "error traces kept          0.0 %\n"
            "slow traces kept             n/a\n"
            "broken traces                  0\n"
            "bytes per kept trace         n/a\n"
            "RED p99 rel. error (max)     n/a\n"
            "overhead cpu                 n/a\n"
            "request p99                  n/a\n");
}

TEST(FormatVariantComparisonTest, NoVariants) { EXPECT_EQ(FormatVariantComparison({}), "no variants\n"); }

TEST(FormatVariantComparisonTest, RedMaximumSkipsUnknownErrorsAndKeepsTheFirstOnATie) {
  Results r = SampleResults();
  r.sampling.red[0].p99_rel_error = std::nan("");
  r.sampling.red[1].p99_rel_error = 0.25;
  r.sampling.red[2].p99_rel_error = std::numeric_limits<double>::infinity();
  r.sampling.red[3].p99_rel_error = 0.25;
  const std::string s = FormatVariantComparison({{"v", r}});
  EXPECT_THAT(s, HasSubstr("RED p99 rel. error (max)   25.0 % (cart)\n"));
}

TEST(ToVariantsJsonTest, LayoutAndValues) {
  const std::string text = ToVariantsJson(TwoVariants());
  const Json j = Json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_THAT(keys, ElementsAre("schema", "scenario", "variants"));
  EXPECT_EQ(j["schema"], "tracesim.variants/v1");
  EXPECT_EQ(j["scenario"], "collector-crash");
  ASSERT_EQ(j["variants"].size(), 2u);
  const Json& head = j["variants"][0];
  keys.clear();
  for (const auto& [k, v] : head.items()) keys.push_back(k);
  EXPECT_THAT(keys, ElementsAre("name", "sampler", "results_file", "summary"));
  EXPECT_EQ(head["name"], "head-25pct");
  EXPECT_EQ(head["sampler"], "ParentBased{root:TraceIdRatioBased{0.25}}");
  EXPECT_EQ(head["results_file"], "head-25pct/results.json");
  keys.clear();
  for (const auto& [k, v] : head["summary"].items()) keys.push_back(k);
  EXPECT_THAT(keys, ElementsAre("stored_spans", "kept_traces", "error_traces_kept_fraction",
                                "slow_traces_kept_fraction", "broken_traces", "bytes_per_kept_trace",
                                "red_p99_rel_error_max", "red_p99_rel_error_max_service", "overhead_cpu_pct",
                                "request_p99_ms"));
  const Json& s = head["summary"];
  EXPECT_EQ(s["stored_spans"], 53800u);
  EXPECT_EQ(s["kept_traces"], 7410u);
  EXPECT_EQ(s["error_traces_kept_fraction"], 55.0 / 236);
  EXPECT_EQ(s["slow_traces_kept_fraction"], 71.0 / 298);
  EXPECT_EQ(s["broken_traces"], 507u);
  EXPECT_EQ(s["bytes_per_kept_trace"], 22596000.0 / 7410);
  EXPECT_EQ(s["red_p99_rel_error_max"], SampleResults().sampling.red[3].p99_rel_error);
  EXPECT_EQ(s["red_p99_rel_error_max_service"], "payment");
  EXPECT_EQ(s["overhead_cpu_pct"], 3.4);
  EXPECT_EQ(s["request_p99_ms"], 45.6);
  EXPECT_EQ(j["variants"][1]["name"], "tail");
  EXPECT_EQ(j["variants"][1]["summary"]["error_traces_kept_fraction"], 1.0);
  EXPECT_EQ(j["variants"][1]["summary"]["overhead_cpu_pct"], 5.25);
  // Pretty-printed like results.json.
  EXPECT_EQ(
      text.rfind("{\n  \"schema\": \"tracesim.variants/v1\",\n  \"scenario\": \"collector-crash\",\n", 0),
      0u);
  EXPECT_EQ(text.back(), '\n');
}

TEST(ToVariantsJsonTest, UndefinedFiguresAreNull) {
  const Json j = Json::parse(ToVariantsJson({{"off", TracingOff()}}));
  const Json& v = j["variants"][0];
  EXPECT_TRUE(v["sampler"].is_null());  // tracing disabled
  const Json& s = v["summary"];
  EXPECT_EQ(s["error_traces_kept_fraction"], 0.0);  // 0 of 236 kept
  EXPECT_TRUE(s["slow_traces_kept_fraction"].is_null());
  EXPECT_TRUE(s["bytes_per_kept_trace"].is_null());
  EXPECT_TRUE(s["red_p99_rel_error_max"].is_null());
  EXPECT_TRUE(s["red_p99_rel_error_max_service"].is_null());
  EXPECT_TRUE(s["overhead_cpu_pct"].is_null());
  EXPECT_TRUE(s["request_p99_ms"].is_null());
  EXPECT_EQ(s["stored_spans"], 0u);
}

TEST(ToVariantsJsonTest, NonFiniteFiguresAreNull) {
  Results r = SampleResults();
  r.overhead.cpu_pct = std::numeric_limits<double>::infinity();  // a zero-CPU baseline
  const std::string text = ToVariantsJson({{"v", r}});
  EXPECT_THAT(text, Not(HasSubstr("inf")));
  EXPECT_TRUE(Json::parse(text)["variants"][0]["summary"]["overhead_cpu_pct"].is_null());
}

TEST(ToVariantsJsonTest, NoVariantsAndEscaping) {
  const Json empty = Json::parse(ToVariantsJson({}));
  EXPECT_EQ(empty["scenario"], "");
  EXPECT_TRUE(empty["variants"].is_array());
  EXPECT_TRUE(empty["variants"].empty());
  const Json j = Json::parse(ToVariantsJson({{"a \"quoted\" name", SampleResults()}}));
  EXPECT_EQ(j["variants"][0]["name"], "a \"quoted\" name");
  EXPECT_EQ(j["variants"][0]["results_file"], "a \"quoted\" name/results.json");
}

TEST(ToVariantsJsonTest, Deterministic) {
  EXPECT_EQ(ToVariantsJson(TwoVariants()), ToVariantsJson(TwoVariants()));
}

TEST(ToVariantsHtmlTest, TableWithLinksToEachReport) {
  const std::string html = ToVariantsHtml(TwoVariants());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<title>tracesim variants: collector-crash</title>"));
  EXPECT_THAT(html, HasSubstr("<th><a href=\"head-25pct/report.html\">head-25pct</a></th>"
                              "<th><a href=\"tail/report.html\">tail</a></th>"));
  EXPECT_THAT(html, HasSubstr("<td><a href=\"tail/results.json\">results.json</a></td>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>head sampler</td><td><code>ParentBased{root:TraceIdRatioBased{0.25}}"
                              "</code></td><td><code>AlwaysOn</code></td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>error traces kept</td><td>23.3 %</td><td>100.0 %</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>bytes per kept trace</td><td>3.05 kB</td><td>3.13 kB</td></tr>"));
  // A RED p99 error above 10 % is marked, as in report.html.
  EXPECT_THAT(html, HasSubstr("<tr><td>RED p99 rel. error (max)</td><td class=\"off\">17.5 % (payment)</td>"
                              "<td>4.4 % (payment)</td></tr>"));
  EXPECT_EQ(Count(html, "class=\"off\""), 1u);
  EXPECT_EQ(NestingError(BodyOf(html)), "");
  // Self-contained.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("http")));
  EXPECT_EQ(ToVariantsHtml(TwoVariants()), html);
}

TEST(ToVariantsHtmlTest, NamesAreEscapedAndLinksPercentEncoded) {
  Results r = SampleResults();
  r.scenario_name = "<b>scenario</b>";
  r.sampler = "Rate\"<limiting>";
  const std::string html = ToVariantsHtml({{"tail & \"errors\" <10%>/x", r}, {"tracing off", TracingOff()}});
  EXPECT_THAT(html, HasSubstr("<h1>&lt;b&gt;scenario&lt;/b&gt;</h1>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"tail%20%26%20%22errors%22%20%3C10%25%3E%2Fx/report.html\">"
                              "tail &amp; &quot;errors&quot; &lt;10%&gt;/x</a>"));
  EXPECT_THAT(html, HasSubstr("<code>Rate&quot;&lt;limiting&gt;</code>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"tracing%20off/report.html\">tracing off</a>"));
  EXPECT_THAT(html, HasSubstr("<td>tracing disabled</td>"));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, Not(HasSubstr("<10%>")));
  EXPECT_EQ(NestingError(BodyOf(html)), "");
}

TEST(ToVariantsHtmlTest, NoVariants) {
  const std::string html = ToVariantsHtml({});
  EXPECT_THAT(html, HasSubstr("<h1>(unnamed scenario)</h1>"));
  EXPECT_THAT(html, HasSubstr("No variants."));
  EXPECT_THAT(html, Not(HasSubstr("<table>")));
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
}

}  // namespace
}  // namespace tracesim::reports

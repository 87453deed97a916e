#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "html_check.h"
#include "sample_results.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using testing::Count;
using ::testing::HasSubstr;
using testing::NestingError;
using ::testing::Not;
using testing::SampleResults;

std::string_view Body(std::string_view html) {
  const size_t begin = html.find("<body>");
  const size_t end = html.find("</body>");
  EXPECT_NE(begin, std::string_view::npos);
  EXPECT_NE(end, std::string_view::npos);
  return html.substr(begin, end + 7 - begin);
}

std::vector<std::string_view> Svgs(std::string_view html) {
  std::vector<std::string_view> svgs;
  for (size_t pos = html.find("<svg"); pos != std::string_view::npos; pos = html.find("<svg", pos + 1)) {
    const size_t end = html.find("</svg>", pos);
    if (end == std::string_view::npos) break;
    svgs.push_back(html.substr(pos, end + 6 - pos));
  }
  return svgs;
}

TEST(HtmlReportTest, HeadlineFigures) {
  const Results r = SampleResults();
  const std::string html = ToHtmlReport(r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<title>tracesim report: collector-crash</title>"));
  EXPECT_THAT(html, HasSubstr("<h1>collector-crash</h1>"));
  EXPECT_THAT(html, HasSubstr("seed 42"));
  EXPECT_THAT(html, HasSubstr("ParentBased{root:TraceIdRatioBased{0.25}}"));
  EXPECT_THAT(html, HasSubstr(">240,000<"));  // generated
  EXPECT_THAT(html, HasSubstr(">53,800<"));   // stored
  EXPECT_THAT(html, HasSubstr(">5,020<"));    // dropped
  EXPECT_THAT(html, HasSubstr(">92.4 %<"));   // completeness 6903 / (6903 + 567)
  EXPECT_THAT(html, HasSubstr("6,903 of 7,470 sampled traces complete &middot; 507 broken"));
  EXPECT_THAT(html, HasSubstr(">12.3 ms / 45.6 ms<"));
  EXPECT_THAT(html, HasSubstr(">5.12 s / 17.95 s<"));
  EXPECT_THAT(html, HasSubstr(">+1.2 % / +2.3 %<"));
  EXPECT_THAT(html, HasSubstr("CPU +3.4 %"));
  EXPECT_THAT(html, HasSubstr("Span ledger balanced"));
}

TEST(HtmlReportTest, DropsLatencyAndTimelineTables) {
  const std::string html = ToHtmlReport(SampleResults());
  EXPECT_THAT(html,
              HasSubstr("<tr><td><code>crash_lost</code></td><td>3,100</td><td>61.8 %</td><td>1.3 %</td>"));
  EXPECT_THAT(html, HasSubstr("<tr><td><code>sdk_queue_full</code></td><td>1,920</td><td>38.2 %</td>"));
  EXPECT_LT(html.find("<code>crash_lost</code>"), html.find("<code>sdk_queue_full</code>"));  // largest first
  EXPECT_THAT(html, Not(HasSubstr("<code>network_lost</code>")));  // causes without drops are left out
  EXPECT_THAT(html,
              HasSubstr("<tr><td>request (end to end)</td><td>29,880</td><td>14.7 ms</td><td>12.3 ms</td>"
                        "<td>24.9 ms</td><td>45.6 ms</td><td>131.2 ms</td></tr>"));
  EXPECT_THAT(html,
              HasSubstr("<td>6.89 s</td><td>5.12 s</td><td>9.80 s</td><td>17.95 s</td><td>21.48 s</td>"));
  EXPECT_THAT(html,
              HasSubstr("<td class=\"text\"><code>host_crash</code></td><td class=\"text\">collector-1</td>"
                        "<td>20.00 s</td><td>32.00 s</td><td>12.00 s</td>"));
  EXPECT_THAT(html, HasSubstr("<td>55.00 s</td><td>not ended</td><td>&ge; 5.00 s</td>"));
}

// The text between `<h2 id="<id>">` and the next <h2>.
std::string Section(const std::string& html, std::string_view id) {
  const size_t begin = html.find("<h2 id=\"" + std::string(id) + "\">");
  EXPECT_NE(begin, std::string::npos) << id;
  if (begin == std::string::npos) return "";
  const size_t end = html.find("<h2", begin + 1);
  return html.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

TEST(HtmlReportTest, TracesSectionShowsKeptBrokenAndBrokenByCause) {
  const std::string traces = Section(ToHtmlReport(SampleResults()), "traces");
  EXPECT_THAT(traces,
              HasSubstr("<tr><td>kept (a span stored)</td><td>7,410</td><td>99.2 % of sampled</td></tr>"));
  EXPECT_THAT(traces, HasSubstr("<tr><td>complete</td><td>6,903</td><td>93.2 % of kept</td></tr>"));
  EXPECT_THAT(traces,
              HasSubstr("<tr><td>broken (kept, missing spans)</td><td>507</td><td>6.8 % of kept</td></tr>"));
  EXPECT_THAT(traces, HasSubstr("<h3>Broken traces by cause</h3>"));
  EXPECT_THAT(traces, HasSubstr("<tr><td><code>crash_lost</code></td><td>312</td><td>61.5 %</td>"));
  EXPECT_THAT(traces, HasSubstr("<tr><td><code>in_flight</code></td><td>38</td><td>7.5 %</td><td "
                                "class=\"text\">spans still on the way when the run ended</td></tr>"));
  // Largest first; causes without traces are left out.
  EXPECT_LT(traces.find("<code>crash_lost</code>"), traces.find("<code>sdk_queue_full</code>"));
  EXPECT_LT(traces.find("<code>sdk_queue_full</code>"), traces.find("<code>in_flight</code>"));
  EXPECT_THAT(traces, Not(HasSubstr("rerouted_split_trace")));
}

TEST(HtmlReportTest, NoBrokenTraces) {
  Results r = SampleResults();
  r.traces.broken = 0;
  r.traces.broken_by_cause = {{"rerouted_split_trace", 0}};
  const std::string traces = Section(ToHtmlReport(r), "traces");
  EXPECT_THAT(traces, HasSubstr("No kept trace misses spans."));
  EXPECT_THAT(traces, Not(HasSubstr("<code>rerouted_split_trace</code>")));
}

TEST(HtmlReportTest, SamplingQualitySection) {
  const std::string html = ToHtmlReport(SampleResults());
  const std::string sampling = Section(html, "sampling");
  EXPECT_THAT(sampling, HasSubstr("<h2 id=\"sampling\">Sampling quality</h2>"));
  EXPECT_THAT(sampling,
              HasSubstr("<div class=\"label\">Error traces kept</div><div class=\"value\">23.3 %</div>"
                        "<div class=\"sub\">55 of 236 traces with an error span</div>"));
  EXPECT_THAT(sampling, HasSubstr(">23.8 %</div><div class=\"sub\">71 of 298 requests slower than 45.6 ms<"));
  EXPECT_THAT(sampling,
              HasSubstr(">13 / 14</div><div class=\"sub\">with a stored span &middot; services 5 / 5<"));
  EXPECT_THAT(sampling, HasSubstr(">3.05 kB</div><div class=\"sub\">22.6 MB stored for 7,410 kept traces<"));
  // The RED table: one row per service in scenario order, truth then estimate then error.
  EXPECT_EQ(Count(sampling, "<tr><td>"), 5u);
  EXPECT_THAT(
      sampling,
      HasSubstr("<tr><td>frontend</td><td class=\"first\">498.0 /s</td><td>489.6 /s</td><td>1.7 %</td>"
                "<td class=\"first\">0.71 %</td><td>0.68 %</td><td>0.03 pp</td>"
                "<td class=\"first\">12.3 ms</td><td>12.4 ms</td><td>0.8 %</td>"
                "<td class=\"first\">45.6 ms</td><td>46.1 ms</td><td>1.1 %</td></tr>"));
  // Above 10 %: payment's p99 (17.5 %) and error rate (0.30 pp of 2.40 %) are marked, its p50 (3.8 %) is not.
  EXPECT_THAT(sampling,
              HasSubstr("<td class=\"first\">38.2 ms</td><td>44.9 ms</td><td class=\"off\">17.5 %</td>"));
  EXPECT_THAT(sampling, HasSubstr("<td>2.10 %</td><td class=\"off\">0.30 pp</td>"));
  EXPECT_THAT(sampling, HasSubstr("<td>5.40 ms</td><td>3.8 %</td>"));
  // Nothing within 10 % is marked: only cart's, payment's and inventory's error rates and payment's p99.
  EXPECT_EQ(Count(sampling, "class=\"off\""), 4u);
  EXPECT_LT(sampling.find("<td>frontend</td>"), sampling.find("<td>inventory</td>"));
  // Placed between traces and latency.
  EXPECT_LT(html.find("id=\"traces\""), html.find("id=\"sampling\""));
  EXPECT_LT(html.find("id=\"sampling\""), html.find("id=\"latency\""));
}

TEST(HtmlReportTest, SamplingQualityWithNothingSampledOrNoRed) {
  Results r = SampleResults();
  r.traces.sampled = 0;
  EXPECT_THAT(Section(ToHtmlReport(r), "sampling"),
              HasSubstr("No trace was sampled in this run: nothing to assess."));
  r = SampleResults();
  r.sampling.red.clear();
  const std::string sampling = Section(ToHtmlReport(r), "sampling");
  EXPECT_THAT(sampling, HasSubstr("No per-service RED metrics in this run."));
  EXPECT_THAT(sampling, HasSubstr("Error traces kept"));
}

TEST(HtmlReportTest, NonFiniteRedErrorsShowNotAvailable) {
  Results r = SampleResults();
  r.sampling.red[4].p99_rel_error = std::numeric_limits<double>::infinity();
  r.sampling.red[4].error_rate_abs_error = std::nan("");
  const std::string sampling = Section(ToHtmlReport(r), "sampling");
  // An unbounded error is still above 10 %; an unknown one is not marked.
  EXPECT_THAT(sampling, HasSubstr("<td>6.10 ms</td><td class=\"off\">n/a</td></tr>"));
  EXPECT_THAT(sampling, HasSubstr("<td>0.00 %</td><td>n/a</td>"));
  EXPECT_THAT(sampling, Not(HasSubstr("inf")));
  EXPECT_THAT(sampling, Not(HasSubstr("nan")));
}

TEST(HtmlReportTest, CollectorTiersTable) {
  const std::string html = ToHtmlReport(SampleResults());
  const std::string tiers = Section(html, "collectors");
  EXPECT_THAT(tiers, HasSubstr("<h2 id=\"collectors\">Collector tiers</h2>"));
  EXPECT_THAT(tiers, HasSubstr("<tr><td>agent</td><td>5</td><td>4.25 s</td><td>2,310</td><td>970 kB</td>"
                               "<td>0</td></tr>"));
  EXPECT_THAT(tiers, HasSubstr("<tr><td>collector</td><td>3</td><td>7.25 s</td><td>9,870</td><td>4.15 MB</td>"
                               "<td>860</td></tr>"));
  EXPECT_LT(tiers.find("<td>agent</td>"), tiers.find("<td>collector</td>"));  // data-flow order
  Results r = SampleResults();
  r.collectors.clear();
  EXPECT_THAT(Section(ToHtmlReport(r), "collectors"), HasSubstr("No collector tier in this run."));
}

TEST(HtmlReportTest, ChartsAreWellFormedSvgWithOnePointPerSample) {
  const std::string html = ToHtmlReport(SampleResults());
  const std::vector<std::string_view> svgs = Svgs(html);
  ASSERT_EQ(svgs.size(), 4u);  // throughput, depths, cumulative drops, requests
  EXPECT_EQ(Count(html, "<svg"), Count(html, "</svg>"));
  for (std::string_view svg : svgs) {
    EXPECT_EQ(NestingError(svg), "") << svg.substr(0, 300);
    EXPECT_THAT(std::string(svg), HasSubstr("xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_THAT(std::string(svg), HasSubstr("simulated time (s)"));
    // Three fault intervals, shaded, with their names as tooltips.
    EXPECT_EQ(Count(svg, "fill-opacity=\"0.12\""), 3u);
    EXPECT_THAT(std::string(svg), HasSubstr("<title>#1 host_crash collector-1</title>"));
    // Every polyline carries all 60 samples (no gaps in this run).
    for (size_t pos = svg.find("points=\""); pos != std::string_view::npos;
         pos = svg.find("points=\"", pos + 1)) {
      const std::string_view points = svg.substr(pos + 8, svg.find('"', pos + 8) - pos - 8);
      EXPECT_EQ(Count(points, ","), 60u);
    }
  }
  EXPECT_EQ(Count(svgs[0], "<polyline"), 3u);  // generated, stored, dropped
  EXPECT_EQ(Count(svgs[1], "<polyline"), 3u);  // in flight, SDK queues, collector buffers
  EXPECT_EQ(Count(svgs[2], "<polyline"), 1u);
  EXPECT_EQ(Count(svgs[3], "<polyline"), 1u);
  EXPECT_EQ(NestingError(Body(html)), "");
}

TEST(HtmlReportTest, SelfContained) {
  const std::string html = ToHtmlReport(SampleResults());
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  // The only URL is the SVG namespace.
  EXPECT_EQ(Count(html, "http"), Count(html, "http://www.w3.org/2000/svg"));
}

TEST(HtmlReportTest, EscapesEveryString) {
  Results r = SampleResults();
  r.scenario_name = "<script>alert('x')</script>";
  r.scenario_source = "a&b.yaml";
  r.sampler = "Rate\"<limiting>";
  r.spans.dropped["<img src=x>"] = 1;
  r.spans.imbalance = -1;
  r.timeline.push_back({"<b>fault</b>", "host\"1", 1, 2});
  r.run.tracesim_version = "<v>";
  r.sampling.red[0].service = "<svc onload='x'>";
  r.collectors[0].name = "<tier>&";
  r.traces.broken_by_cause["<i>cause</i>"] = 4;
  const std::string html = ToHtmlReport(r);
  EXPECT_THAT(html, HasSubstr("<td>&lt;svc onload=&#39;x&#39;&gt;</td>"));
  EXPECT_THAT(html, HasSubstr("<td>&lt;tier&gt;&amp;</td>"));
  EXPECT_THAT(html, HasSubstr("<code>&lt;i&gt;cause&lt;/i&gt;</code>"));
  EXPECT_THAT(html, Not(HasSubstr("<svc")));
  EXPECT_THAT(html, Not(HasSubstr("<tier>")));
  EXPECT_THAT(html, Not(HasSubstr("<i>cause")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("a&amp;b.yaml"));
  EXPECT_THAT(html, HasSubstr("Rate&quot;&lt;limiting&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>fault")));
  EXPECT_THAT(html, HasSubstr("host&quot;1"));
  EXPECT_THAT(html, Not(HasSubstr("<v>")));
  EXPECT_THAT(html, HasSubstr("<td>&lt; 0.1 %</td>"));  // 1 of 240,000 spans
  EXPECT_EQ(NestingError(Body(html)), "");
}

TEST(HtmlReportTest, ImbalanceNoBaselineAndNoTimeSeries) {
  Results r = SampleResults();
  r.spans.imbalance = 7;
  r.overhead.measured = false;
  r.timeseries.clear();
  r.timeline.clear();
  r.spans.dropped.clear();
  const std::string html = ToHtmlReport(r);
  EXPECT_THAT(html, HasSubstr("Span ledger NOT balanced: imbalance +7 spans"));
  EXPECT_THAT(html, HasSubstr(">not measured<"));
  EXPECT_THAT(html, HasSubstr("No time series was sampled in this run."));
  EXPECT_THAT(html, HasSubstr("No faults were injected."));
  EXPECT_THAT(html, HasSubstr("No spans were dropped."));
  EXPECT_EQ(Count(html, "<svg"), 0u);
}

TEST(HtmlReportTest, CompletenessLeavesOutTracesDroppedOnPurpose) {
  Results r = SampleResults();
  // Tail sampling: 7470 sampled, 5000 dropped on purpose (neither complete nor incomplete).
  r.traces.kept = 2450;
  r.traces.complete = 2400;
  r.traces.incomplete = 70;
  r.traces.broken = 50;
  const std::string html = ToHtmlReport(r);
  EXPECT_THAT(html, HasSubstr(">97.2 %<"));  // 2400 / 2470
  EXPECT_THAT(html, HasSubstr("2,400 of 2,470 sampled traces complete &middot; 50 broken"));
}

TEST(HtmlReportTest, EmptyResultsRenderWithoutNaN) {
  const std::string html = ToHtmlReport(Results{});
  EXPECT_THAT(html, HasSubstr("(unnamed scenario)"));
  EXPECT_THAT(html, Not(HasSubstr("nan")));
  EXPECT_THAT(html, Not(HasSubstr("inf")));
  EXPECT_EQ(NestingError(Body(html)), "");
}

TEST(HtmlReportTest, GapsInASeriesBreakTheLine) {
  Results r = SampleResults();
  r.timeseries[10].t_s = r.timeseries[9].t_s;  // zero-length period: no rate for sample 10
  const std::string html = ToHtmlReport(r);
  const std::vector<std::string_view> svgs = Svgs(html);
  ASSERT_EQ(svgs.size(), 4u);
  EXPECT_EQ(Count(svgs[0], "<polyline"), 6u);  // each of the three rates split in two
  EXPECT_EQ(Count(svgs[1], "<polyline"), 3u);  // levels are unaffected
}

TEST(HtmlReportTest, Deterministic) {
  EXPECT_EQ(ToHtmlReport(SampleResults()), ToHtmlReport(SampleResults()));
}

}  // namespace
}  // namespace tracesim::reports

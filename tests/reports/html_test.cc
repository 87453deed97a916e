#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "sample_results.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::SampleResults;

size_t Count(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// Checks that the elements of `xml` nest properly: every start tag is closed in
// order, self-closing tags stand alone, attribute values are quoted. Returns
// an empty string when well formed, else a description.
std::string NestingError(std::string_view xml) {
  std::vector<std::string> open;
  size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string_view::npos) {
    const size_t end = xml.find('>', pos);
    if (end == std::string_view::npos) return "unterminated tag at " + std::to_string(pos);
    std::string_view tag = xml.substr(pos + 1, end - pos - 1);
    if (Count(tag, "\"") % 2 != 0) return "unbalanced quotes in <" + std::string(tag) + ">";
    if (tag.substr(0, 1) == "/") {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes <" + (open.empty() ? std::string("nothing") : open.back()) + ">";
      }
      open.pop_back();
    } else if (tag.back() != '/') {
      open.emplace_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    pos = end + 1;
  }
  return open.empty() ? "" : "<" + open.back() + "> not closed";
}

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
  EXPECT_THAT(html, HasSubstr(">92.4 %<"));   // completeness 6903 / 7470
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
  const std::string html = ToHtmlReport(r);
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

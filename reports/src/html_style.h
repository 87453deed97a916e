// Internal to tracesim_reports: the inline stylesheet shared by report.html
// and the variants page.
#pragma once

#include <string_view>

namespace tracesim::reports::internal {

inline constexpr std::string_view kReportStyle = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2328;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 14px; margin: 18px 0 6px; color: #444c56; }
.meta { color: #57606a; margin: 0; }
.meta code, td code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eaeef2;
  padding: 1px 5px; border-radius: 4px; word-break: break-all; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-top: 20px; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px; }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
.card .value { font-size: 22px; white-space: nowrap; font-weight: 600; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .sub { font-size: 12px; color: #57606a; }
.card.bad .value { color: #c62828; }
.card.good .value { color: #2e7d32; }
.status { margin-top: 12px; padding: 8px 12px; border-radius: 6px; font-weight: 600; }
.status.ok { background: #e6f4ea; color: #1e6b30; border: 1px solid #b7dfc1; }
.status.bad { background: #fdecea; color: #a4262c; border: 1px solid #f3b8b5; }
table { border-collapse: collapse; background: #fff; border: 1px solid #d0d7de; border-radius: 6px;
  font-variant-numeric: tabular-nums; margin: 6px 0; }
th, td { padding: 5px 12px; text-align: right; border-bottom: 1px solid #eaeef2; }
th { background: #f6f8fa; font-weight: 600; color: #444c56; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; color: #57606a; }
.note { max-width: 460px; }
tr:last-child td { border-bottom: none; }
tr.total td { font-weight: 600; border-top: 1px solid #d0d7de; }
.row { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
.bar { display: flex; height: 22px; border-radius: 4px; overflow: hidden; border: 1px solid #d0d7de;
  background: #fff; margin: 8px 0 6px; }
.bar span { display: block; height: 100%; }
.keys { display: flex; gap: 16px; flex-wrap: wrap; font-size: 12px; color: #57606a; margin-bottom: 8px; }
.keys i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
figure { margin: 10px 0 18px; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px 4px; }
figcaption { font-weight: 600; color: #444c56; margin-bottom: 2px; }
figcaption span { font-weight: normal; color: #57606a; font-size: 12px; }
svg.chart { width: 100%; height: auto; display: block; }
.note { color: #57606a; font-style: italic; }
td.off { color: #c62828; font-weight: 600; }
th.group { text-align: center; border-left: 1px solid #d0d7de; }
td.first, th.first { border-left: 1px solid #d0d7de; }
td a { color: #0969da; }
footer { margin-top: 36px; color: #57606a; font-size: 12px; border-top: 1px solid #d0d7de; padding-top: 10px; }
)";

}  // namespace tracesim::reports::internal

#include "analysis/writers/html_page.hpp"

#include <fmt/format.h>

namespace gpusim {

extern const char kChartJs[];  // Chart.js, embedded at build time (chartjs_embed.cpp)

namespace {

constexpr const char* kStyle = R"(
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
.subtitle { color: #555; margin-top: 0; }
.chart { position: relative; height: 320px; margin: 12px 0 4px; }
.caption { color: #555; font-size: 13px; margin: 0 0 18px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; } th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
)";

// The page's script: draws every chart from the embedded data and says so on <body data-charts>.
constexpr const char* kDraw = R"(
(function () {
  var data = JSON.parse(document.getElementById('gpusim-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  data.charts.forEach(function (c, i) { new Chart(document.getElementById('chart' + i), c); });
  document.body.setAttribute('data-charts', String(data.charts.length));
})();
)";

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::subtitle(const std::string& text) {
  body_ += "<p class=\"subtitle\">" + html_escape(text) + "</p>\n";
}

void HtmlPage::section(const std::string& heading) { body_ += "<h2>" + html_escape(heading) + "</h2>\n"; }

void HtmlPage::paragraph(const std::string& text) { body_ += "<p>" + html_escape(text) + "</p>\n"; }

void HtmlPage::table(const std::vector<std::vector<std::string>>& rows) {
  body_ += "<table>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    body_ += "<tr>";
    for (const auto& cell : rows[r]) body_ += fmt::format("<{0}>{1}</{0}>", r == 0 ? "th" : "td", html_escape(cell));
    body_ += "</tr>\n";
  }
  body_ += "</table>\n";
}

void HtmlPage::chart(const nlohmann::json& config, const std::string& caption) {
  body_ += fmt::format("<div class=\"chart\"><canvas id=\"chart{}\"></canvas></div>\n<p class=\"caption\">{}</p>\n",
                       charts_.size(), html_escape(caption));
  charts_.push_back(config);
}

std::string HtmlPage::render() const {
  const std::string json = nlohmann::json{{"charts", charts_}}.dump();
  // Inside <script>, "</" could close the element: write it as "<\/" (the same string to JSON).
  std::string data;
  data.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    data.push_back(json[i]);
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') data.push_back('\\');
  }
  std::string out;
  for (const char* part :
       {"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data:\">\n<title>"}) {
    out.append(part);
  }
  out.append(html_escape(title_));
  out.append("</title>\n<style>");
  out.append(kStyle);
  out.append("</style>\n<script>\n");
  out.append(kChartJs);
  out.append("\n</script>\n</head>\n<body>\n<h1>");
  out.append(html_escape(title_));
  out.append("</h1>\n");
  out.append(body_);
  out.append("<script id=\"gpusim-data\" type=\"application/json\">");
  out.append(data);
  out.append("</script>\n<script>");
  out.append(kDraw);
  out.append("</script>\n</body>\n</html>\n");
  return out;
}

}  // namespace gpusim

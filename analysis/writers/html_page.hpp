#pragma once
/// A self-contained HTML page of sections and charts: Chart.js is embedded (analysis/CMakeLists.txt), the
/// data travels in the page as JSON, and a Content-Security-Policy forbids every request, so the page
/// opens from disk with no network. The report pages (html_report.hpp) are built from it; a new kind of
/// page (a sweep, a capacity search) is another function that adds its own sections and charts.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpusim {

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);
  /// A subtitle line under the title (the files and settings).
  void subtitle(const std::string& text);
  /// Starts a section with a heading.
  void section(const std::string& heading);
  /// A paragraph of text (escaped).
  void paragraph(const std::string& text);
  /// A table (cells escaped); the first row is the header.
  void table(const std::vector<std::vector<std::string>>& rows);
  /// A chart: a Chart.js configuration (type, data, options); `caption` says what it shows, with units.
  void chart(const nlohmann::json& config, const std::string& caption);
  /// The whole page.
  std::string render() const;

 private:
  std::string title_;
  std::string body_;
  nlohmann::json charts_ = nlohmann::json::array();
};

/// `text` with &, <, >, " escaped for HTML.
std::string html_escape(const std::string& text);

}  // namespace gpusim

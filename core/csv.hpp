#pragma once
/// Strict CSV reading: a header row naming the columns, then rows of as many fields; blank lines and lines
/// starting with '#' are skipped; fields may be double-quoted ("" is a quote inside). Every error is a
/// ConfigError naming FILE:LINE and, for a field, its column.

#include <istream>
#include <map>
#include <string>
#include <vector>

namespace gpusim {

/// Splits one CSV line into its fields; `where` ("FILE:LINE") prefixes the error of an unterminated quote.
std::vector<std::string> split_csv_line(const std::string& line, const std::string& where);

/// One CSV file, read whole, with typed access to its fields.
class CsvFile {
 public:
  /// One data row and the file line it came from (1-based).
  struct Row {
    int line = 0;
    std::vector<std::string> fields;
  };

  /// Reads `path`. Every column in `required` must be in the header; columns in `optional` may be; any
  /// other column, a duplicate column, a missing header or a row with the wrong field count is an error.
  CsvFile(const std::string& path, const std::vector<std::string>& required,
          const std::vector<std::string>& optional = {});
  /// Reads CSV text from `in`; `name` stands for the file in errors.
  CsvFile(std::istream& in, const std::string& name, const std::vector<std::string>& required,
          const std::vector<std::string>& optional = {});

  /// The data rows, in file order.
  const std::vector<Row>& rows() const { return rows_; }
  /// Whether the header has column `col`.
  bool has(const std::string& col) const { return column_.count(col) > 0; }

  /// The field as written (quotes removed). `col` must be a required or present optional column.
  const std::string& text(const Row& r, const std::string& col) const;
  /// A finite number.
  double number(const Row& r, const std::string& col) const;
  /// A number > 0.
  double positive(const Row& r, const std::string& col) const;
  /// A whole number > 0 (at most 1e9).
  int integer(const Row& r, const std::string& col) const;
  /// 0 or 1.
  bool flag(const Row& r, const std::string& col) const;
  /// One of `allowed`; an error lists them.
  std::string one_of(const Row& r, const std::string& col, const std::vector<std::string>& allowed) const;

 private:
  void read(std::istream& in, const std::vector<std::string>& required,
            const std::vector<std::string>& optional);

  std::string path_;
  std::vector<std::string> header_;
  int header_line_ = 0;
  std::map<std::string, std::size_t> column_;
  std::vector<Row> rows_;
};

}  // namespace gpusim

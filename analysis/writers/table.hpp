#pragma once
/// An aligned text table: text columns left-aligned, numbers right-aligned.

#include <ostream>
#include <string>
#include <vector>

namespace gpusim {

class Table {
 public:
  /// `numeric[i]` right-aligns column i.
  Table(std::vector<std::string> headers, std::vector<bool> numeric);
  void add(std::vector<std::string> row);
  void print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> numeric_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace gpusim

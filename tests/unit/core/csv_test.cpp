// The strict CSV reader: header, comments, quoting, typed fields and errors naming FILE:LINE and the column,
// on small hand-written inputs.

#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "tests/support/config_error.hpp"

namespace gpusim {
namespace {

CsvFile parse(const std::string& text, const std::vector<std::string>& required,
              const std::vector<std::string>& optional = {}) {
  std::istringstream in(text);
  return CsvFile(in, "t.csv", required, optional);
}

TEST(SplitCsvLine, CommasQuotesAndCarriageReturns) {
  EXPECT_EQ(split_csv_line("a,b,,c", "x"), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(split_csv_line("\"a, b\",\"say \"\"hi\"\"\",c\r", "x"),
            (std::vector<std::string>{"a, b", "say \"hi\"", "c"}));
  EXPECT_EQ(split_csv_line("", "x"), (std::vector<std::string>{""}));
  EXPECT_EQ(test::config_error([] { split_csv_line("a,\"open", "t.csv:4"); }),
            "t.csv:4: error: unterminated quoted field");
}

TEST(CsvFile, SkipsCommentsAndBlankLinesAndKeepsFileLines) {
  const CsvFile f = parse("# comment\n\nname,n\n  # indented comment\nx,1\n\ny,2\n", {"name", "n"});
  ASSERT_EQ(f.rows().size(), 2u);
  EXPECT_EQ(f.rows()[0].line, 5);
  EXPECT_EQ(f.rows()[1].line, 7);
  EXPECT_EQ(f.text(f.rows()[1], "name"), "y");
  EXPECT_EQ(f.integer(f.rows()[1], "n"), 2);
}

TEST(CsvFile, OptionalColumnsAndColumnOrder) {
  const CsvFile f = parse("n,note,name\n3,\"a, b\",x\n", {"name", "n"}, {"note", "other"});
  EXPECT_TRUE(f.has("note"));
  EXPECT_FALSE(f.has("other"));
  EXPECT_EQ(f.text(f.rows()[0], "note"), "a, b");
  EXPECT_EQ(f.text(f.rows()[0], "name"), "x");
}

TEST(CsvFile, HeaderErrorsNameTheHeaderLine) {
  EXPECT_EQ(test::config_error([] { parse("# only a comment\n", {"a"}); }), "t.csv: error: no header line");
  EXPECT_EQ(test::config_error([] { parse("#\na,colour\n", {"a"}, {"b"}); }),
            "t.csv:2: error: unknown column 'colour' (known: a, b)");
  EXPECT_EQ(test::config_error([] { parse("a,a\n", {"a"}); }), "t.csv:1: error: duplicate column 'a'");
  EXPECT_EQ(test::config_error([] { parse("a\n1\n", {"a", "b"}); }), "t.csv:1: error: missing column 'b'");
  EXPECT_EQ(test::config_error([] {
              parse("a,b\n1,2\n1\n", {"a", "b"});
            }),
            "t.csv:3: error: 1 fields, the header has 2");
}

TEST(CsvFile, TypedFields) {
  const CsvFile f = parse("v,flag,kind\n2.5e3,1,triad\n-1,0,read\n", {"v", "flag", "kind"});
  const auto& a = f.rows()[0];
  const auto& b = f.rows()[1];
  EXPECT_DOUBLE_EQ(f.number(a, "v"), 2500.0);
  EXPECT_DOUBLE_EQ(f.positive(a, "v"), 2500.0);
  EXPECT_EQ(f.integer(a, "v"), 2500);
  EXPECT_DOUBLE_EQ(f.number(b, "v"), -1.0);
  EXPECT_TRUE(f.flag(a, "flag"));
  EXPECT_FALSE(f.flag(b, "flag"));
  EXPECT_EQ(f.one_of(b, "kind", {"triad", "read"}), "read");
}

TEST(CsvFile, FieldErrorsNameFileLineAndColumn) {
  const CsvFile f = parse("v,flag,kind\nfast,2,warp\n-1,1,x\n1.5,1,x\ninf,1,x\n", {"v", "flag", "kind"});
  const auto& r = f.rows();
  EXPECT_EQ(test::config_error([&] { f.number(r[0], "v"); }), "t.csv:2: error: column 'v': 'fast' is not a number");
  EXPECT_EQ(test::config_error([&] { f.number(r[3], "v"); }), "t.csv:5: error: column 'v': 'inf' is not a number");
  EXPECT_EQ(test::config_error([&] { f.positive(r[1], "v"); }), "t.csv:3: error: column 'v': -1 must be positive");
  EXPECT_EQ(test::config_error([&] { f.integer(r[2], "v"); }),
            "t.csv:4: error: column 'v': 1.5 must be a whole number");
  EXPECT_EQ(test::config_error([&] { f.flag(r[0], "flag"); }), "t.csv:2: error: column 'flag': '2' must be 0 or 1");
  EXPECT_EQ(test::config_error([&] {
              f.one_of(r[0], "kind", {"triad", "read"});
            }),
            "t.csv:2: error: column 'kind': unknown value 'warp' (known: triad, read)");
}

TEST(CsvFile, MissingFileIsAConfigError) {
  EXPECT_EQ(test::config_error([] { CsvFile("/nonexistent/x.csv", {"a"}); }),
            "/nonexistent/x.csv: error: cannot read file");
}

TEST(CsvFile, ADeviceIsRefusedWithoutReadingIt) {
  EXPECT_EQ(test::config_error([] { CsvFile("/dev/zero", {"a"}); }),
            "/dev/zero: error: cannot open file: it is a character device, not a regular file");
}

}  // namespace
}  // namespace gpusim

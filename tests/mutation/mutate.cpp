#include "mutate.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <vector>

namespace gpusim::mutation {
namespace {

using Rng = std::mt19937_64;

size_t pick(Rng& rng, size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

/// [begin, end) of every run of characters that `in_token` accepts.
template <class Pred>
std::vector<std::pair<size_t, size_t>> tokens(const std::string& text, Pred in_token) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t i = 0;
  while (i < text.size()) {
    if (!in_token(text, i)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && in_token(text, j)) ++j;
    out.emplace_back(i, j);
    i = j;
  }
  return out;
}

bool word_char(const std::string& t, size_t i) {
  const auto c = static_cast<unsigned char>(t[i]);
  return std::isalnum(c) != 0 || c == '_' || c == '.' || c == '-';
}

/// Numbers with their unit: "12.5GBps", "300ms", "0.7".
std::vector<std::pair<size_t, size_t>> number_tokens(const std::string& text) {
  std::vector<std::pair<size_t, size_t>> out;
  for (auto [b, e] : tokens(text, word_char)) {
    if (std::isdigit(static_cast<unsigned char>(text[b])) != 0) out.emplace_back(b, e);
  }
  return out;
}

const std::array<const char*, 24> kUnits = {"s",  "ms",  "us",   "ns",   "B",    "KB",  "MB",  "GB",
                                            "GiB", "TB", "Bps",  "GBps", "TBps", "f",   "Gf",  "Tf",
                                            "W",  "kW",  "Hz",   "MHz",  "%",    "",    "x",   "GFLOPS"};
const std::array<const char*, 14> kNumbers = {"1e308", "1e400",  "-1e400", "99999999999999999999", "nan",
                                              "inf",   "-inf",   "0",      "-0",   "4294967296",
                                              "2147483648", "1e-320", "0x7fffffff", "9223372036854775808"};
const std::string kIndicators = "{[:-&*!|>'\"%@,]}#?";

std::string apply_one(std::string text, Rng& rng, std::string& what) {
  const int op = static_cast<int>(pick(rng, 17));
  std::vector<std::string> lines = split_lines(text);
  switch (op) {
    case 0: {  // byte flip
      if (text.empty()) break;
      const size_t at = pick(rng, text.size());
      text[at] = static_cast<char>(pick(rng, 256));
      what += "flip@" + std::to_string(at) + " ";
      break;
    }
    case 1: {  // delete a range
      if (text.empty()) break;
      const size_t at = pick(rng, text.size());
      const size_t n = 1 + pick(rng, 24);
      text.erase(at, n);
      what += "erase@" + std::to_string(at) + "+" + std::to_string(n) + " ";
      break;
    }
    case 2: {  // delete a line
      if (lines.empty()) break;
      const size_t at = pick(rng, lines.size());
      lines.erase(lines.begin() + static_cast<long>(at));
      text = join_lines(lines);
      what += "delete-line " + std::to_string(at + 1) + " ";
      break;
    }
    case 3: {  // duplicate a line (often a duplicate key or item)
      if (lines.empty()) break;
      const size_t at = pick(rng, lines.size());
      lines.insert(lines.begin() + static_cast<long>(pick(rng, lines.size() + 1)), lines[at]);
      text = join_lines(lines);
      what += "dup-line " + std::to_string(at + 1) + " ";
      break;
    }
    case 4: {  // swap two lines
      if (lines.size() < 2) break;
      const size_t a = pick(rng, lines.size()), b = pick(rng, lines.size());
      std::swap(lines[a], lines[b]);
      text = join_lines(lines);
      what += "swap-lines " + std::to_string(a + 1) + "," + std::to_string(b + 1) + " ";
      break;
    }
    case 5: {  // swap two tokens
      auto t = tokens(text, word_char);
      if (t.size() < 2) break;
      auto a = t[pick(rng, t.size())], b = t[pick(rng, t.size())];
      if (a.first > b.first) std::swap(a, b);
      if (a.first == b.first) break;
      const std::string ta = text.substr(a.first, a.second - a.first);
      const std::string tb = text.substr(b.first, b.second - b.first);
      text.replace(b.first, tb.size(), ta);
      text.replace(a.first, ta.size(), tb);
      what += "swap-tokens '" + ta + "','" + tb + "' ";
      break;
    }
    case 6: {  // insert YAML indicators
      const size_t at = pick(rng, text.size() + 1);
      std::string ins;
      for (size_t n = 1 + pick(rng, 3); n > 0; --n) ins += kIndicators[pick(rng, kIndicators.size())];
      text.insert(at, ins);
      what += "insert '" + ins + "'@" + std::to_string(at) + " ";
      break;
    }
    case 7: {  // change a unit
      auto t = number_tokens(text);
      if (t.empty()) break;
      auto [b, e] = t[pick(rng, t.size())];
      size_t u = b;
      while (u < e && (std::isdigit(static_cast<unsigned char>(text[u])) != 0 || text[u] == '.' ||
                       text[u] == 'e' || text[u] == '-'))
        ++u;
      const std::string unit = kUnits[pick(rng, kUnits.size())];
      what += "unit '" + text.substr(b, e - b) + "'->" + unit + " ";
      text.replace(u, e - u, unit);
      break;
    }
    case 8: {  // huge or odd number, keeping the unit
      auto t = number_tokens(text);
      if (t.empty()) break;
      auto [b, e] = t[pick(rng, t.size())];
      size_t u = b;
      while (u < e && (std::isdigit(static_cast<unsigned char>(text[u])) != 0 || text[u] == '.')) ++u;
      const std::string num = kNumbers[pick(rng, kNumbers.size())];
      what += "number '" + text.substr(b, e - b) + "'->" + num + " ";
      text.replace(b, u - b, num);
      break;
    }
    case 9: {  // negative number
      auto t = number_tokens(text);
      if (t.empty()) break;
      const size_t b = t[pick(rng, t.size())].first;
      text.insert(b, "-");
      what += "negate@" + std::to_string(b) + " ";
      break;
    }
    case 10: {  // deep nesting in a value
      if (lines.empty()) break;
      const size_t at = pick(rng, lines.size());
      const size_t depth = 1 + pick(rng, 2000);
      const bool flow = pick(rng, 2) == 0;
      std::string nest;
      if (flow) {
        nest = "x: " + std::string(depth, '[') + "1" + std::string(pick(rng, 2) == 0 ? depth : depth / 2, ']');
      } else {
        for (size_t d = 0; d < std::min<size_t>(depth, 300); ++d) nest += std::string(d, ' ') + "k:\n";
      }
      lines.insert(lines.begin() + static_cast<long>(at), nest);
      text = join_lines(lines);
      what += std::string(flow ? "flow" : "block") + "-nest " + std::to_string(depth) + " ";
      break;
    }
    case 11: {  // indentation
      if (lines.empty()) break;
      const size_t at = pick(rng, lines.size());
      if (pick(rng, 2) == 0) {
        lines[at].insert(0, std::string(1 + pick(rng, 4), ' '));
      } else if (!lines[at].empty() && lines[at][0] == ' ') {
        lines[at].erase(0, 1 + pick(rng, std::min<size_t>(4, lines[at].size())));
      } else {
        lines[at].insert(0, "\t");
      }
      text = join_lines(lines);
      what += "indent line " + std::to_string(at + 1) + " ";
      break;
    }
    case 12: {  // invalid UTF-8 or a BOM
      static const std::array<std::string, 6> bytes = {"\xff", "\xfe\xff", "\xc3", "\xed\xa0\x80",
                                                       "\xef\xbb\xbf", std::string("\0", 1)};
      const std::string ins = bytes[pick(rng, bytes.size())];
      const size_t at = pick(rng, 3) == 0 ? 0 : pick(rng, text.size() + 1);
      text.insert(at, ins);
      what += "bytes@" + std::to_string(at) + " ";
      break;
    }
    case 13: {  // truncation
      const size_t at = pick(rng, text.size() + 1);
      text.resize(at);
      what += "truncate@" + std::to_string(at) + " ";
      break;
    }
    case 14: {  // anchors, aliases, tags, merge keys on a value
      static const std::array<const char*, 8> bits = {"&a ", "*a", "*undefined", "<<: *a", "!!str ",
                                                      "!!binary ", "!custom ", "? "};
      auto t = tokens(text, word_char);
      if (t.empty()) break;
      const size_t b = t[pick(rng, t.size())].first;
      const std::string ins = bits[pick(rng, bits.size())];
      text.insert(b, ins);
      what += "yaml '" + ins + "'@" + std::to_string(b) + " ";
      break;
    }
    case 15: {  // replace a value with a flow collection or null
      static const std::array<const char*, 6> values = {"{}", "[]", "~", "null", "\"\"", "[1, {a: b}]"};
      auto t = tokens(text, word_char);
      if (t.empty()) break;
      auto [b, e] = t[pick(rng, t.size())];
      const std::string v = values[pick(rng, values.size())];
      what += "value '" + text.substr(b, e - b) + "'->" + v + " ";
      text.replace(b, e - b, v);
      break;
    }
    default: {  // duplicate a block of lines
      if (lines.empty()) break;
      const size_t a = pick(rng, lines.size());
      const size_t n = 1 + pick(rng, std::min<size_t>(8, lines.size() - a));
      std::vector<std::string> block(lines.begin() + static_cast<long>(a), lines.begin() + static_cast<long>(a + n));
      lines.insert(lines.begin() + static_cast<long>(a + n), block.begin(), block.end());
      text = join_lines(lines);
      what += "dup-block " + std::to_string(a + 1) + "+" + std::to_string(n) + " ";
      break;
    }
  }
  return text;
}

}  // namespace

std::string mutate_text(const std::string& text, uint64_t seed, std::string* what) {
  Rng rng(seed);
  std::string account;
  std::string out = text;
  for (size_t n = 1 + pick(rng, 3); n > 0; --n) out = apply_one(std::move(out), rng, account);
  if (what != nullptr) *what = account;
  return out;
}

}  // namespace gpusim::mutation

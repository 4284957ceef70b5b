#pragma once
// Small CSV writer: a header, then rows of numbers and strings. Numbers use the shortest
// representation that reads back to the same double; NaN and Inf are written as nan / inf / -inf
// (pandas and numpy read them).
#include <fstream>
#include <string>
#include <variant>
#include <vector>

namespace plast::io {

using Cell = std::variant<double, long long, std::string>;

std::string format_number(double x);
// For people: `significant` digits, no exponent for 1e-4 <= |x| < 1e6, trailing zeros dropped
// (10.7776 -> "10.8" with 3, 0.00146 -> "0.00146", 228005171 -> "2.28e+08").
std::string format_number(double x, int significant);

class CsvWriter {
public:
    CsvWriter(const std::string& path, const std::vector<std::string>& header, bool append = false);
    void row(const std::vector<Cell>& cells);
    void flush() { out_.flush(); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::ofstream out_;
    std::size_t ncol_;
};

} // namespace plast::io

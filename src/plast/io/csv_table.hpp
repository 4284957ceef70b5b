#pragma once
// Reading a CSV table (header line, comma-separated cells), as written by io::CsvWriter or pandas.
// Cells are kept as text; number() parses one (`nan`, `inf` and empty cells are accepted) and names the
// file, line and column when it is not a number. Structural problems (not a regular file, no header,
// a row of another length) are plast::Errors naming the file and line.
#include <string>
#include <vector>

namespace plast::io {

struct CsvTable {
    std::string path;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> cells; // [row][column]
    std::vector<std::size_t> lines;              // file line of each row

    static CsvTable read(const std::string& path);
    std::size_t rows() const { return cells.size(); }
    // Index of a column; an error naming the file and the missing column when absent.
    std::size_t column(const std::string& name) const;
    double number(std::size_t row, std::size_t col) const;
};

} // namespace plast::io

#pragma once
// Reading a numeric CSV table (header line, comma-separated numbers; `nan`, `inf` accepted), as
// written by io::CsvWriter or pandas. Every problem is a plast::Error naming the file, the line and
// the column: not a regular file, no header, a row of another length, a cell that is not a number.
#include <string>
#include <vector>

namespace plast::io {

struct CsvTable {
    std::string path;
    std::vector<std::string> header;
    std::vector<std::vector<double>> rows;

    static CsvTable read(const std::string& path);
    // Index of a column; an error naming the file and the missing column when absent.
    std::size_t column(const std::string& name) const;
};

} // namespace plast::io

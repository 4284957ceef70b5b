#include "plast/io/csv_table.hpp"

#include "plast/core/error.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace plast::io {

namespace {
std::vector<std::string> split(const std::string& line)
{
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) {
        const auto a = cell.find_first_not_of(" \t\r\"");
        const auto b = cell.find_last_not_of(" \t\r\"");
        out.push_back(a == std::string::npos ? std::string() : cell.substr(a, b - a + 1));
    }
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
}
} // namespace

CsvTable CsvTable::read(const std::string& path)
{
    if (!std::filesystem::is_regular_file(path)) runtime_error(path, "not a readable regular file");
    std::ifstream f(path);
    if (!f) runtime_error(path, "cannot be opened for reading");
    CsvTable t;
    t.path = path;
    std::string line;
    std::size_t lineno = 0;
    while (std::getline(f, line)) {
        ++lineno;
        if (line.empty() || line == "\r" || line[0] == '#') continue;
        auto cells = split(line);
        if (t.header.empty()) {
            t.header = cells;
            continue;
        }
        if (cells.size() != t.header.size())
            runtime_error(path + ":" + std::to_string(lineno), "row has " + std::to_string(cells.size()) + " cells, the header " +
                                                                   std::to_string(t.header.size()));
        std::vector<double> row;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const std::string& s = cells[c];
            double v = std::nan("");
            if (!s.empty() && s != "nan" && s != "NaN") {
                try {
                    std::size_t pos = 0;
                    v = std::stod(s, &pos);
                    if (pos != s.size()) throw std::invalid_argument(s);
                } catch (const std::exception&) {
                    runtime_error(path + ":" + std::to_string(lineno), "column '" + t.header[c] + "': '" + s + "' is not a number");
                }
            }
            row.push_back(v);
        }
        t.rows.push_back(std::move(row));
    }
    if (t.header.empty()) runtime_error(path, "no header line (an empty file?)");
    return t;
}

std::size_t CsvTable::column(const std::string& name) const
{
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
    runtime_error(path, "no column '" + name + "'");
}

} // namespace plast::io

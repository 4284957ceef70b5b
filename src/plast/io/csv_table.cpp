#include "plast/io/csv_table.hpp"

#include "plast/core/error.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace plast::io {

namespace {
// RFC 4180 fields: quoted fields may hold commas and doubled quotes; surrounding blanks are trimmed.
std::vector<std::string> split(const std::string& line)
{
    std::vector<std::string> out;
    std::string cell;
    bool quoted = false, was_quoted = false;
    auto finish = [&] {
        if (!was_quoted) {
            const auto x = cell.find_first_not_of(" \t\r");
            const auto y = cell.find_last_not_of(" \t\r");
            cell = x == std::string::npos ? std::string() : cell.substr(x, y - x + 1);
        }
        out.push_back(cell);
        cell.clear();
        was_quoted = false;
    };
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"' && cell.find_first_not_of(" \t") == std::string::npos) {
            cell.clear();
            quoted = was_quoted = true;
        } else if (c == ',') {
            finish();
        } else if (c != '\r' || i + 1 != line.size()) {
            if (!was_quoted) cell += c;
        }
    }
    finish();
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
        t.cells.push_back(std::move(cells));
        t.lines.push_back(lineno);
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

double CsvTable::number(std::size_t row, std::size_t col) const
{
    const std::string& s = cells.at(row).at(col);
    if (s.empty() || s == "nan" || s == "NaN") return std::nan("");
    try {
        std::size_t pos = 0;
        const double v = std::stod(s, &pos);
        if (pos == s.size()) return v;
    } catch (const std::exception&) {
    }
    runtime_error(path + ":" + std::to_string(lines.at(row)), "column '" + header.at(col) + "': '" + s + "' is not a number");
}

} // namespace plast::io

#include "plast/io/csv.hpp"

#include "plast/core/error.hpp"

#include <charconv>
#include <cmath>

namespace plast::io {

std::string format_number(double x)
{
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

std::string format_number(double x, int significant)
{
    if (!std::isfinite(x)) return format_number(x);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", std::max(1, significant), x);
    return buf;
}

static std::string quote(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

CsvWriter::CsvWriter(const std::string& path, const std::vector<std::string>& header, bool append)
    : path_(path), out_(path, append ? std::ios::app : std::ios::trunc), ncol_(header.size())
{
    if (!out_) runtime_error(path, "cannot write CSV file");
    if (!append) {
        for (std::size_t i = 0; i < header.size(); ++i) out_ << (i ? "," : "") << quote(header[i]);
        out_ << '\n';
    }
}

void CsvWriter::row(const std::vector<Cell>& cells)
{
    if (cells.size() != ncol_) runtime_error(path_, "CSV row has the wrong number of columns");
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out_ << ',';
        if (auto d = std::get_if<double>(&cells[i])) out_ << format_number(*d);
        else if (auto n = std::get_if<long long>(&cells[i])) out_ << *n;
        else out_ << quote(std::get<std::string>(cells[i]));
    }
    out_ << '\n';
    if (!out_) runtime_error(path_, "write failed (disk full or not writable?)");
}

} // namespace plast::io

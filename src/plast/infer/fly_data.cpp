#include "plast/infer/fly_data.hpp"
#include <iterator>
#include <functional>
#include <cstring>

#include "plast/core/error.hpp"
#include "plast/io/csv.hpp"

#include <matio.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace plast::infer {

namespace {

std::string stem(const std::string& path)
{
    return std::filesystem::path(path).stem().string();
}

[[noreturn]] void data_error(const std::string& path, const std::string& field, const std::string& problem,
                             const std::string& allowed = {})
{
    config_error(path, field, problem, allowed);
}

struct Mat {
    std::vector<double> v;
    std::size_t rows = 0, cols = 0;
};

template <class T> void copy_as_double(const void* data, std::size_t n, std::vector<double>& out)
{
    const T* p = static_cast<const T*>(data);
    out.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<double>(p[i]);
}

Mat read_var(mat_t* mat, const std::string& path, const char* name)
{
    // Check the declared size before reading: a corrupted header can declare gigabytes (found by fuzzing).
    {
        std::unique_ptr<matvar_t, void (*)(matvar_t*)> info(Mat_VarReadInfo(mat, name), Mat_VarFree);
        if (info) {
            double elements = 1;
            for (int d = 0; d < info->rank && d < 8; ++d) elements *= static_cast<double>(info->dims[d]);
            // Even compressed, a real record does not hold 64 elements per byte of file.
            std::error_code ec;
            const double bytes = static_cast<double>(std::filesystem::file_size(path, ec));
            const double cap = std::min(1e8, 64.0 * bytes + 1e6);
            if (info->rank > 8 || elements > cap)
                data_error(path, name, "declares " + std::to_string(static_cast<long long>(elements)) + " elements",
                           "at most " + std::to_string(static_cast<long long>(cap)) + " for this file (it is probably corrupted)");
        }
    }
    std::unique_ptr<matvar_t, void (*)(matvar_t*)> var(Mat_VarRead(mat, name), Mat_VarFree);
    if (!var) data_error(path, name, "variable missing", "the variables X (n_events x 2), Y (n_events), R (n_trials)");
    if (var->isComplex) data_error(path, name, "complex values", "real numbers");
    if (var->rank != 2) data_error(path, name, "has rank " + std::to_string(var->rank), "a matrix or vector");
    Mat m;
    m.rows = var->dims[0];
    m.cols = var->dims[1];
    const std::size_t n = m.rows * m.cols;
    if (n > 0 && !var->data) data_error(path, name, "could not read the data");
    switch (var->class_type) {
    case MAT_C_DOUBLE:
        copy_as_double<double>(var->data, n, m.v);
        break;
    case MAT_C_SINGLE:
        copy_as_double<float>(var->data, n, m.v);
        break;
    case MAT_C_INT8:
        copy_as_double<std::int8_t>(var->data, n, m.v);
        break;
    case MAT_C_UINT8:
        copy_as_double<std::uint8_t>(var->data, n, m.v);
        break;
    case MAT_C_INT16:
        copy_as_double<std::int16_t>(var->data, n, m.v);
        break;
    case MAT_C_UINT16:
        copy_as_double<std::uint16_t>(var->data, n, m.v);
        break;
    case MAT_C_INT32:
        copy_as_double<std::int32_t>(var->data, n, m.v);
        break;
    case MAT_C_UINT32:
        copy_as_double<std::uint32_t>(var->data, n, m.v);
        break;
    case MAT_C_INT64:
        copy_as_double<std::int64_t>(var->data, n, m.v);
        break;
    case MAT_C_UINT64:
        copy_as_double<std::uint64_t>(var->data, n, m.v);
        break;
    default:
        data_error(path, name, "is not a numeric array", "double, single, integer or logical array");
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(m.v[i]))
            data_error(path, name, "element " + std::to_string(i + 1) + " is " + (std::isnan(m.v[i]) ? "NaN" : "Inf"),
                       "finite numbers");
    return m;
}

// Shared validation of per-event odors/decisions and rewards.
AnimalData assemble(const std::string& path, std::vector<int> odor, std::vector<int> accept, std::vector<double> reward,
                    const std::string& x_field, const std::string& r_field)
{
    AnimalData a;
    a.name = stem(path);
    a.path = path;
    std::size_t n_acc = 0;
    for (int v : accept)
        n_acc += v ? 1 : 0;
    if (n_acc == 0) data_error(path, x_field, "no accepted encounter", "at least one Y = 1");
    if (reward.size() != n_acc)
        data_error(path, r_field,
                   "has " + std::to_string(reward.size()) + " rewards but Y has " + std::to_string(n_acc) +
                       " acceptances",
                   "one reward per accepted encounter (numel(R) = sum(Y))");
    std::size_t last = accept.size();
    while (last > 0 && !accept[last - 1])
        --last;
    a.dropped_events = static_cast<int>(accept.size() - last);
    odor.resize(last);
    accept.resize(last);
    a.choices.odor = std::move(odor);
    a.choices.accept = std::move(accept);
    a.choices.reward = std::move(reward);
    return a;
}

} // namespace

// Level-5 MAT files: every element tag's byte count must fit in the file (top level) and in its
// parent matrix (sub-elements). libmatio allocates what a tag declares before reading it, so a
// corrupted count asked for gigabytes (found by fuzzing). Compressed elements are checked at the
// top level only; other formats (v7.3/HDF5) are left to libmatio.
void check_mat_element_sizes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (b.size() < 128 || b.compare(0, 6, "MATLAB") != 0) return;
    const bool swap = b[126] == 'M' && b[127] == 'I';
    if (!swap && !(b[126] == 'I' && b[127] == 'M')) return;
    auto u32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        std::memcpy(&v, b.data() + at, 4);
        return swap ? __builtin_bswap32(v) : v;
    };
    auto fail = [&] { data_error(path, "file", "an element declares more bytes than the file holds", "an intact .mat file"); };
    // Walks the elements in [pos, end); descends into uncompressed matrices (type 14).
    std::function<void(std::size_t, std::size_t, int)> walk = [&](std::size_t pos, std::size_t end, int depth) {
        while (pos + 8 <= end) {
            const std::uint32_t type = u32(pos);
            if (type >> 16) { // small data element: 4-byte payload inside the tag
                if ((type >> 16) > 4) fail();
                pos += 8;
                continue;
            }
            const std::uint64_t n = u32(pos + 4);
            if (n > end - pos - 8) fail();
            if (type == 14 && depth < 8) walk(pos + 8, pos + 8 + static_cast<std::size_t>(n), depth + 1);
            pos += 8 + static_cast<std::size_t>((n + 7) / 8 * 8);
        }
    };
    walk(128, b.size(), 0);
}

AnimalData read_animal_mat(const std::string& path)
{
    if (!std::filesystem::exists(path)) data_error(path, "file", "does not exist");
    check_mat_element_sizes(path);
    std::unique_ptr<mat_t, int (*)(mat_t*)> mat(Mat_Open(path.c_str(), MAT_ACC_RDONLY), Mat_Close);
    if (!mat) data_error(path, "file", "is not a readable MATLAB .mat file");
    const Mat X = read_var(mat.get(), path, "X"), Y = read_var(mat.get(), path, "Y"),
              R = read_var(mat.get(), path, "R");
    if (X.cols != 2)
        data_error(path, "X", "has shape " + std::to_string(X.rows) + " x " + std::to_string(X.cols), "n_events x 2");
    const std::size_t ne = X.rows;
    if (std::min(Y.rows, Y.cols) > 1 || Y.v.size() != ne)
        data_error(path, "Y", "has shape " + std::to_string(Y.rows) + " x " + std::to_string(Y.cols),
                   "a vector of n_events = " + std::to_string(ne) + " entries (rows of X)");
    if (std::min(R.rows, R.cols) > 1 && R.v.size() > 0)
        data_error(path, "R", "has shape " + std::to_string(R.rows) + " x " + std::to_string(R.cols),
                   "a vector of n_trials = sum(Y) entries");
    std::vector<int> odor(ne), accept(ne);
    for (std::size_t e = 0; e < ne; ++e) {
        const double a = X.v[e], b = X.v[e + ne]; // column-major
        if (!((a == 1 && b == 0) || (a == 0 && b == 1)))
            data_error(path, "X",
                       "row " + std::to_string(e + 1) + " is [" + io::format_number(a) + ", " + io::format_number(b) +
                           "]",
                       "one-hot rows [1, 0] (odor A) or [0, 1] (odor B)");
        odor[e] = a == 1 ? 0 : 1;
        if (Y.v[e] != 0 && Y.v[e] != 1)
            data_error(path, "Y", "element " + std::to_string(e + 1) + " is " + io::format_number(Y.v[e]),
                       "0 (reject) or 1 (accept)");
        accept[e] = static_cast<int>(Y.v[e]);
    }
    return assemble(path, std::move(odor), std::move(accept), R.v, "Y", "R");
}

AnimalData read_animal_csv(const std::string& path)
{
    std::ifstream in(path);
    if (!in) data_error(path, "file", "cannot be opened");
    std::string line;
    if (!std::getline(in, line)) data_error(path, "header", "file is empty", "header odor_a,odor_b,accept,reward");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line != "odor_a,odor_b,accept,reward")
        data_error(path + ":1", "header", "is '" + line + "'", "odor_a,odor_b,accept,reward");
    std::vector<int> odor, accept;
    std::vector<double> reward;
    int lineno = 1;
    while (std::getline(in, line)) {
        ++lineno;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ','))
            f.push_back(cell);
        if (line.back() == ',') f.emplace_back();
        const std::string where = path + ":" + std::to_string(lineno);
        if (f.size() != 4)
            data_error(where, "row", "has " + std::to_string(f.size()) + " fields",
                       "4 fields: odor_a,odor_b,accept,reward");
        auto num = [&](const std::string& s, const char* field) {
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            if (s.empty() || end != s.c_str() + s.size()) data_error(where, field, "'" + s + "' is not a number");
            if (!std::isfinite(v)) data_error(where, field, "is " + s, "finite numbers");
            return v;
        };
        const double a = num(f[0], "odor_a"), b = num(f[1], "odor_b"), y = num(f[2], "accept");
        if (!((a == 1 && b == 0) || (a == 0 && b == 1)))
            data_error(where, "odor_a,odor_b", "is [" + f[0] + ", " + f[1] + "]", "one-hot [1, 0] or [0, 1]");
        if (y != 0 && y != 1) data_error(where, "accept", "is " + f[2], "0 or 1");
        odor.push_back(a == 1 ? 0 : 1);
        accept.push_back(static_cast<int>(y));
        if (y == 1) {
            if (f[3].empty())
                data_error(where, "reward", "missing on an accepting row", "a reward on every row with accept = 1");
            reward.push_back(num(f[3], "reward"));
        } else if (!f[3].empty()) {
            data_error(where, "reward", "given on a rejecting row", "empty reward where accept = 0");
        }
    }
    if (odor.empty()) data_error(path, "rows", "no encounters", "at least one row");
    return assemble(path, std::move(odor), std::move(accept), std::move(reward), "accept", "reward");
}

AnimalData read_animal(const std::string& path)
{
    const auto ext = std::filesystem::path(path).extension().string();
    if (ext == ".mat") return read_animal_mat(path);
    if (ext == ".csv") return read_animal_csv(path);
    data_error(path, "file", "unknown data format '" + ext + "'", ".mat or .csv");
}

void write_animal_mat(const std::string& path, const rate::ChoiceRecord& rec)
{
    const std::size_t ne = rec.odor.size(), nt = rec.reward.size();
    std::unique_ptr<mat_t, int (*)(mat_t*)> mat(Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5), Mat_Close);
    if (!mat) runtime_error(path, "cannot create the .mat file");
    std::vector<double> X(2 * ne), Y(ne), R(rec.reward);
    for (std::size_t e = 0; e < ne; ++e) {
        X[e] = rec.odor[e] == 0 ? 1.0 : 0.0;
        X[e + ne] = rec.odor[e] == 1 ? 1.0 : 0.0;
        Y[e] = rec.accept[e];
    }
    auto put = [&](const char* name, std::vector<double>& v, std::size_t r, std::size_t c) {
        std::size_t dims[2] = {r, c};
        matvar_t* var = Mat_VarCreate(name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, v.data(), 0);
        if (!var || Mat_VarWrite(mat.get(), var, MAT_COMPRESSION_NONE) != 0)
            runtime_error(path, std::string("cannot write variable ") + name);
        Mat_VarFree(var);
    };
    put("X", X, ne, 2);
    put("Y", Y, ne, 1);
    put("R", R, nt, 1);
}

void write_animal_csv(const std::string& path, const rate::ChoiceRecord& rec)
{
    std::ofstream out(path);
    if (!out) runtime_error(path, "cannot create the CSV file");
    out << "odor_a,odor_b,accept,reward\n";
    std::size_t t = 0;
    for (std::size_t e = 0; e < rec.odor.size(); ++e) {
        out << (rec.odor[e] == 0 ? 1 : 0) << ',' << (rec.odor[e] == 1 ? 1 : 0) << ',' << rec.accept[e] << ',';
        if (rec.accept[e]) out << io::format_number(rec.reward[t++]);
        out << '\n';
    }
}

rate::ChoiceRecord choices_from_generated(const rate::GeneratedBehaviour& g)
{
    rate::ChoiceRecord c;
    const auto& d = g.data;
    const std::size_t L = static_cast<std::size_t>(d.max_len);
    for (std::size_t t = 0; t < static_cast<std::size_t>(d.n_trials); ++t) {
        for (std::size_t k = 0; k < static_cast<std::size_t>(d.len[t]); ++k) {
            c.odor.push_back(g.odor[t * L + k]);
            c.accept.push_back(static_cast<int>(d.decision[t * L + k]));
        }
        c.reward.push_back(d.reward[t]);
    }
    return c;
}

} // namespace plast::infer

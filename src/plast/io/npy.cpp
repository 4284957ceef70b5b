#include "plast/io/npy.hpp"

#include "plast/core/error.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>

namespace plast::io {

namespace {
template <class T> const char* descr();
template <> const char* descr<double>() { return "<f8"; }
template <> const char* descr<float>() { return "<f4"; }
template <> const char* descr<std::int32_t>() { return "<i4"; }
template <> const char* descr<std::int64_t>() { return "<i8"; }
template <> const char* descr<std::uint8_t>() { return "|u1"; }
template <> const char* descr<std::uint32_t>() { return "<u4"; }
} // namespace

template <class T>
void write_npy(const std::string& path, const T* data, const std::vector<std::size_t>& shape)
{
    std::string sh = "(";
    std::size_t n = 1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        sh += std::to_string(shape[i]) + (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
        n *= shape[i];
    }
    sh += ")";
    std::string header = std::string("{'descr': '") + descr<T>() + "', 'fortran_order': False, 'shape': " + sh + ", }";
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    // Written to a temporary file and renamed: a failed write (disk full) leaves no half file.
    const std::string tmp = path + ".tmp";
    std::ofstream out(tmp, std::ios::binary);
    if (!out) runtime_error(path, "cannot write .npy file");
    const char magic[] = "\x93NUMPY\x01\x00";
    out.write(magic, 8);
    const std::uint16_t len = static_cast<std::uint16_t>(header.size());
    out.put(static_cast<char>(len & 0xff));
    out.put(static_cast<char>(len >> 8));
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (n) out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(T)));
    out.close();
    std::error_code ec;
    if (out) std::filesystem::rename(tmp, path, ec);
    if (!out || ec) {
        std::filesystem::remove(tmp, ec);
        runtime_error(path, "write failed (disk full or not writable?)");
    }
}

template <class T>
std::vector<T> read_npy(const std::string& path, std::vector<std::size_t>& shape)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) config_error(path, "", "cannot open .npy file", "a readable .npy file");
    char magic[8];
    in.read(magic, 8);
    if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) config_error(path, "", "not a .npy file", ".npy v1");
    unsigned char l[2];
    in.read(reinterpret_cast<char*>(l), 2);
    std::string header(l[0] | (l[1] << 8), '\0');
    in.read(header.data(), static_cast<std::streamsize>(header.size()));
    if (header.find(descr<T>()) == std::string::npos)
        config_error(path, "descr", "unexpected dtype in header " + header, descr<T>());
    if (header.find("'fortran_order': False") == std::string::npos)
        config_error(path, "fortran_order", "Fortran order not supported", "False");
    const auto a = header.find("'shape': (");
    const auto b = header.find(')', a);
    std::string dims = header.substr(a + 10, b - a - 10);
    shape.clear();
    std::size_t n = 1, pos = 0;
    while (pos < dims.size()) {
        while (pos < dims.size() && (dims[pos] == ' ' || dims[pos] == ',')) ++pos;
        if (pos >= dims.size()) break;
        std::size_t end = pos;
        const std::size_t d = std::stoul(dims.substr(pos), &end);
        shape.push_back(d);
        n *= d;
        pos += end;
    }
    std::vector<T> data(n);
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(n * sizeof(T)));
    if (!in) config_error(path, "", "file is shorter than its header says", "a complete .npy file");
    return data;
}

#define PLAST_NPY(T)                                                                                               \
    template void write_npy<T>(const std::string&, const T*, const std::vector<std::size_t>&);                    \
    template std::vector<T> read_npy<T>(const std::string&, std::vector<std::size_t>&);
PLAST_NPY(double)
PLAST_NPY(float)
PLAST_NPY(std::int32_t)
PLAST_NPY(std::int64_t)
PLAST_NPY(std::uint8_t)
PLAST_NPY(std::uint32_t)
#undef PLAST_NPY

} // namespace plast::io

#pragma once
// NumPy .npy (format 1.0) reader and writer for plain C-ordered arrays, so results open with
// numpy.load without any plast code.
#include <cstdint>
#include <string>
#include <vector>

namespace plast::io {

template <class T>
void write_npy(const std::string& path, const T* data, const std::vector<std::size_t>& shape);

template <class T>
void write_npy(const std::string& path, const std::vector<T>& data, const std::vector<std::size_t>& shape)
{
    write_npy(path, data.data(), shape);
}

template <class T>
void write_npy(const std::string& path, const std::vector<T>& data)
{
    write_npy(path, data.data(), {data.size()});
}

// Reads an array written by write_npy (or numpy) with the matching dtype; shape is returned.
template <class T>
std::vector<T> read_npy(const std::string& path, std::vector<std::size_t>& shape);

} // namespace plast::io

// libFuzzer harness: the SQLite archive reader (plast memory, promotion rounds). Input: the file's
// bytes; a valid archive from the corpus mutated byte by byte.
#include "plast/core/error.hpp"
#include "plast/search/archive.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::string path = "/tmp/plast_fuzz_archive_" + std::to_string(::getpid()) + ".sqlite";
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        const auto a = plast::search::Archive::open_read_only(path);
        (void)a.select("verdict = 'plausible'", 50);
        (void)a.count();
    } catch (const plast::Error&) {
    }
    return 0;
}

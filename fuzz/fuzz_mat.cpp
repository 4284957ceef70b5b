// libFuzzer harness: the .mat behaviour-data loader (libmatio). Input: the file's bytes.
#include "plast/core/error.hpp"
#include "plast/infer/fly_data.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::string path = "/tmp/plast_fuzz_mat_" + std::to_string(::getpid()) + ".mat";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        (void)plast::infer::read_animal_mat(path);
    } catch (const plast::Error&) {
    }
    return 0;
}

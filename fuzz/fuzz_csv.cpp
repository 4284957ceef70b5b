// libFuzzer harness: the numeric CSV table reader (rule sets, data tables) and the behaviour-data CSV
// loader. Input: the file's bytes.
#include "plast/core/error.hpp"
#include "plast/infer/fly_data.hpp"
#include "plast/io/csv_table.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::string path = "/tmp/plast_fuzz_csv_" + std::to_string(::getpid()) + ".csv";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        const auto t = plast::io::CsvTable::read(path);
        if (!t.header.empty()) (void)t.column(t.header[0]);
        for (std::size_t r = 0; r < t.rows(); ++r)
            for (std::size_t c = 0; c < t.header.size(); ++c) (void)t.number(r, c);
    } catch (const plast::Error&) {
    }
    try {
        (void)plast::infer::read_animal_csv(path);
    } catch (const plast::Error&) {
    }
    return 0;
}

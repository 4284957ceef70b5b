#include "plast/io/csv.hpp"
#include "plast/io/npy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

TEST(Npy, RoundTrip)
{
    const auto dir = std::filesystem::temp_directory_path() / "plast_npy_test";
    std::filesystem::create_directories(dir);
    std::vector<double> d{1.5, -2.0, std::numeric_limits<double>::quiet_NaN(), 4, 5, 6};
    plast::io::write_npy((dir / "a.npy").string(), d, {2, 3});
    std::vector<std::size_t> shape;
    const auto r = plast::io::read_npy<double>((dir / "a.npy").string(), shape);
    EXPECT_EQ(shape, (std::vector<std::size_t>{2, 3}));
    EXPECT_EQ(r[0], 1.5);
    EXPECT_TRUE(std::isnan(r[2]));
    std::vector<std::uint8_t> u{1, 2, 3};
    plast::io::write_npy((dir / "u.npy").string(), u);
    EXPECT_EQ(plast::io::read_npy<std::uint8_t>((dir / "u.npy").string(), shape), u);
    EXPECT_EQ(shape, (std::vector<std::size_t>{3}));
    // Header is padded so the data start on a 64-byte boundary (npy format 1.0).
    EXPECT_EQ(std::filesystem::file_size(dir / "u.npy") % 64, 3u);
    std::filesystem::remove_all(dir);
}

TEST(Csv, ShortestRoundTripAndQuoting)
{
    EXPECT_EQ(plast::io::format_number(0.1), "0.1");
    EXPECT_EQ(plast::io::format_number(std::numeric_limits<double>::infinity()), "inf");
    EXPECT_EQ(std::stod(plast::io::format_number(1.0 / 3.0)), 1.0 / 3.0);
    const auto path = (std::filesystem::temp_directory_path() / "plast_csv_test.csv").string();
    {
        plast::io::CsvWriter w(path, {"a", "b", "c"});
        w.row({1.25, 3LL, std::string("x,y")});
    }
    std::ifstream in(path);
    std::string h, r;
    std::getline(in, h);
    std::getline(in, r);
    EXPECT_EQ(h, "a,b,c");
    EXPECT_EQ(r, "1.25,3,\"x,y\"");
    std::filesystem::remove(path);
}

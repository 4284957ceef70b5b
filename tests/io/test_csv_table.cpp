// Numeric CSV reading: values, nan cells, and errors that name the file, line and column.
#include "plast/core/error.hpp"
#include "plast/io/csv_table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

using plast::io::CsvTable;

static std::string write(const std::string& name, const std::string& body)
{
    const auto p = std::filesystem::temp_directory_path() / ("plast_csv_" + name);
    std::ofstream(p) << body;
    return p.string();
}

TEST(CsvTable, ReadsNumbersAndNaN)
{
    const auto t = CsvTable::read(write("ok.csv", "a,b,c\n1,2.5,x\n-3e-2,nan,\"y, z\"\n"));
    ASSERT_EQ(t.rows(), 2u);
    EXPECT_EQ(t.column("b"), 1u);
    EXPECT_DOUBLE_EQ(t.number(1, 0), -0.03);
    EXPECT_TRUE(std::isnan(t.number(1, 1)));
    EXPECT_EQ(t.cells[0][2], "x"); // text columns are kept (e.g. the provenance of a rule)
}

TEST(CsvTable, ErrorsNameFileLineAndColumn)
{
    auto msg = [](const std::string& path) {
        try {
            (void)CsvTable::read(path);
        } catch (const plast::Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const auto bad = CsvTable::read(write("bad.csv", "a,b\n1,x2\n"));
    try {
        (void)bad.number(0, 1);
        ADD_FAILURE() << "no error";
    } catch (const plast::Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.csv:2"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos);
    }
    EXPECT_NE(msg(write("short.csv", "a,b\n1\n")).find("1 cells"), std::string::npos);
    EXPECT_NE(msg(write("empty.csv", "")).find("no header"), std::string::npos);
    EXPECT_NE(msg(std::filesystem::temp_directory_path().string()).find("not a readable regular file"), std::string::npos);
    const auto t = CsvTable::read(write("ok2.csv", "a\n1\n"));
    EXPECT_THROW((void)t.column("zz"), plast::Error);
}

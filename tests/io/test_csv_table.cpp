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
    const auto t = CsvTable::read(write("ok.csv", "a,b\n1,2.5\n-3e-2,nan\n"));
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_EQ(t.column("b"), 1u);
    EXPECT_DOUBLE_EQ(t.rows[1][0], -0.03);
    EXPECT_TRUE(std::isnan(t.rows[1][1]));
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
    const auto bad = write("bad.csv", "a,b\n1,x2\n");
    EXPECT_NE(msg(bad).find("bad.csv:2"), std::string::npos);
    EXPECT_NE(msg(bad).find("'b'"), std::string::npos);
    EXPECT_NE(msg(write("short.csv", "a,b\n1\n")).find("1 cells"), std::string::npos);
    EXPECT_NE(msg(write("empty.csv", "")).find("no header"), std::string::npos);
    EXPECT_NE(msg(std::filesystem::temp_directory_path().string()).find("not a readable regular file"), std::string::npos);
    const auto t = CsvTable::read(write("ok2.csv", "a\n1\n"));
    EXPECT_THROW((void)t.column("zz"), plast::Error);
}

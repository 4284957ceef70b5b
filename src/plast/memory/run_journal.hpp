#pragma once
// The journal of a memory study (memory_done.jsonl in the run directory): one JSON line per completed
// run (rule index and name, condition, run index, and the whole RunResult), appended and flushed as
// each run finishes, so an interrupted or killed study keeps what it has done and `plast memory
// --resume RUN_DIR` simulates only the missing runs. Numbers are written with round-trip precision
// (the reloaded results are the same doubles; NaN is written as null and read back as NaN), so a
// resumed study writes the same outputs, byte for byte, as an uninterrupted one. A line that is not
// complete JSON (a write cut off by a kill) is ignored: that run is simulated again.
#include "plast/memory/familiarity_protocol.hpp"

#include <cstddef>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

namespace plast::memory {

struct JournalEntry {
    std::size_t rule = 0;      // index into the study's rules
    std::string rule_name, condition;
    std::size_t run = 0;
    RunResult result;
};

class RunJournal {
public:
    // Opens `path` for appending (created when absent).
    explicit RunJournal(const std::string& path);
    void append(std::size_t rule, const std::string& rule_name, const std::string& condition, std::size_t run, const RunResult& r);
    // Every complete entry of a journal file (none when the file does not exist).
    static std::vector<JournalEntry> read(const std::string& path);

private:
    std::mutex mutex_;
    std::ofstream out_;
    std::string path_;
};

} // namespace plast::memory

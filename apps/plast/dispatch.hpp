#pragma once
// One run of the plast command line inside the calling process: parse the arguments, run the verb,
// turn its failure into an Outcome. The executable (main.cpp) and the Python module (plast._core)
// both call dispatch(), so a verb run from Python is exactly the verb run by the command line.
#include <string>
#include <vector>

namespace plast::app {

struct Outcome {
    enum class Kind { ok, usage, error, interrupted, out_of_memory, internal };
    Kind kind = Kind::ok;
    int code = 0;         // the command line's exit status (0, 1 runtime error, 2 bad input, 128 + signal)
    std::string message;  // the error line without the "plast VERB: error: " prefix (valid UTF-8)
    std::string verb;     // the verb that ran ("" when the arguments did not parse)
    std::string run_dir;  // the run directory, when the verb opened one
};

// args[0] is the program name. print_errors: write the error lines to stderr as the command line does
// (the Python module raises them instead). Interrupt handlers are the caller's (main.cpp installs them).
Outcome dispatch(const std::vector<std::string>& args, bool print_errors);

// The plast executable that verbs running other verbs start (demo) and next to which bench looks
// for examples/models: /proc/self/exe unless set (the Python module sets the built executable).
std::string& cli_executable();

} // namespace plast::app

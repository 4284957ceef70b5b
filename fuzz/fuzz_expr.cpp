// libFuzzer harness: the rule-expression parser and the tape evaluator. Any plast::Error is a clean
// refusal; non-finite values are results.
#include "plast/core/error.hpp"
#include "plast/expr/parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto tape = plast::expr::parse(text, {"x_pre", "x_post", "w"}, {"c0"});
        const double x[3] = {0.5, -1.25, 3.0};
        const double th[1] = {0.7};
        (void)tape.eval(x, th);
        (void)tape.infix();
    } catch (const plast::Error&) {
    }
    return 0;
}

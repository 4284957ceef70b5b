// libFuzzer harness: the TOML configuration reader with --set overrides. Input: TOML text; its last
// line (after the final newline) is applied as an override. Any plast::Error is a clean refusal;
// a crash, a sanitizer report or another exception is a finding.
#include "plast/core/error.hpp"
#include "plast/io/config.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string text(reinterpret_cast<const char*>(data), size);
    std::string override_line;
    if (const auto nl = text.rfind('\n'); nl != std::string::npos) {
        override_line = text.substr(nl + 1);
        text.resize(nl + 1);
    }
    try {
        auto c = plast::Config::parse(text, "fuzz.toml");
        if (!override_line.empty()) c.apply_override(override_line);
        const auto root = c.root();
        (void)root.integer("seed", 1, 0, 1000);
        for (std::size_t i = 0; i < root.array_size("round"); ++i) (void)root.element("round", i).number("candidates", 1.0);
        const auto s = c.section("network");
        (void)s.number("scale", 1.0, plast::Range::open_closed(0.0, 1.0));
        (void)s.numbers("theta", {}, plast::Range::any(), 0, 100);
        (void)s.strings("names", {});
        (void)s.flag("flag", false);
        (void)c.resolved_toml();
        (void)c.resolved_json();
        c.check_unused();
    } catch (const plast::Error&) {
    }
    return 0;
}

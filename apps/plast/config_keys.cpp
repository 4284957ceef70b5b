// Meaning and unit of the configuration keys the verbs themselves read (see plast/io/key_doc.hpp):
// verb_simulate.cpp ([simulate]) and verb_demo.cpp ([[step]]). Registered at start-up: the verbs
// are not part of the plast library that joins the area tables.
#include "plast/io/key_doc_tables.hpp"

namespace plast::app {

static const io::KeyDoc rows[] = {
    {"simulate.filter_variant", "", "fSBI plausibility filter variant of the verdict"},
    {"step[].name", "", "name of the demo step (its sub-run directory)"},
    {"step[].title", "", "title of the step in the combined report"},
    {"step[].verb", "", "verb the step runs"},
    {"step[].args", "", "command-line arguments of the step"},
};

static const io::KeyDocRegistrar registrar{rows};

} // namespace plast::app

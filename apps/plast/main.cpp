// plast command line: plast <verb> [CONFIG.toml] [--set key=value]... [--out DIR] [--threads N] [--seed S]
#include "dispatch.hpp"

#include "plast/core/interrupt.hpp"
#include "plast/search/executor.hpp"

int main(int argc, char** argv)
{
    plast::search::mpi::init(&argc, &argv); // only when started under mpirun
    plast::install_interrupt_handlers();
    const std::vector<std::string> args(argv, argv + argc);
    const int rc = plast::app::dispatch(args, true).code;
    plast::search::mpi::finalize();
    return rc;
}

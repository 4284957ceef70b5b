#pragma once
// The fSBI network of an FsbiConfig as a model description, so that the fSBI task, its screens and
// the BND memory network are built by the one network builder (build.hpp). The stream keys are the
// historical ones (input 0; input_E 10, input_I 11, EE 20, EI 21, IE 22, II 23), so archives and
// shipped results keep their spikes; examples/models/fsbi.toml is the same network as a file.
#include "plast/model/model.hpp"
#include "plast/spiking/fsbi_network.hpp"

namespace plast::model {

Model fsbi_model(const spiking::FsbiConfig& c);

} // namespace plast::model

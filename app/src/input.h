// Reading a command's input file, or standard input for "-", whole and byte for byte.
#pragma once

#include <string>

namespace capcast::app {

// False when the file cannot be opened.
bool read_input(const std::string& name, std::string& out);

}  // namespace capcast::app

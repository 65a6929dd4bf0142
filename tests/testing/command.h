// Running the relata binary as a person does, through the shell, for the
// tests of tools/.
#ifndef RELATA_TESTS_TESTING_COMMAND_H_
#define RELATA_TESTS_TESTING_COMMAND_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace relata::testing {

// Runs `command` through /bin/sh; returns its standard output and, when
// asked, its exit status.
inline std::string RunCommand(const std::string& command, int* status = nullptr) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "cannot run " + command;
  char buffer[4096];
  while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int s = pclose(pipe);
  if (status != nullptr) *status = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
  return output;
}

}  // namespace relata::testing

#endif  // RELATA_TESTS_TESTING_COMMAND_H_

// Starting the relata server for a test the way a service manager does.
#ifndef RELATA_TESTS_TESTING_SERVER_H_
#define RELATA_TESTS_TESTING_SERVER_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace relata::testing {

// `relata serve` on DIR/db, on a free loopback port, for one test: started
// by fork and exec, stopped by its pid.
class Server {
 public:
  Server(const std::string& binary, const std::string& dir, const std::vector<std::string>& flags) : dir_(dir) {
    const std::string out = dir_ + "/serve.out";
    pid_ = fork();
    if (pid_ == 0) {
      std::freopen(out.c_str(), "w", stdout);
      std::freopen((dir_ + "/serve.err").c_str(), "w", stderr);
      std::vector<std::string> args = {binary, "serve", dir_ + "/db", "--bind", "127.0.0.1:0"};
      args.insert(args.end(), flags.begin(), flags.end());
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    // It prints its URL once it listens.
    for (int waited = 0; waited < 200 && url_.empty(); ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream in(out);
      std::string line;
      if (std::getline(in, line) && line.find("http://") != std::string::npos) url_ = line.substr(line.find("http://"));
    }
  }
  ~Server() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& url() const { return url_; }
  std::string store() const { return url_.substr(0, url_.rfind('/')) + "/store"; }
  // Stops it as a service manager would; its exit status.
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string Output() const {
    std::ifstream in(dir_ + "/serve.out");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

 private:
  std::string dir_, url_;
  pid_t pid_ = -1;
};

}  // namespace relata::testing

#endif  // RELATA_TESTS_TESTING_SERVER_H_

#pragma once
/// \file
/// Runs a program to completion for end-to-end tests and captures its exit
/// code, stdout and stderr. For long-running processes use Child.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace plazo::testing {

struct ProcessResult {
  int exit_code = -1;  ///< exit status, or 128+signal when killed
  std::string out;
  std::string err;
};

/// Environment of this process with `overrides` applied ("" value removes).
inline std::vector<std::string> make_environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (overrides.count(name) == 0) env.push_back(entry);
  }
  for (const auto& [name, value] : overrides) {
    if (!value.empty()) env.push_back(name + "=" + value);
  }
  return env;
}

/// A process started in the background with stdout/stderr sent to files.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {}) {
    out_path_ = dir_.file("stdout");
    err_path_ = dir_.file("stderr");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    auto env_strings = make_environment(env);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  void signal(int sig) const { kill(pid_, sig); }
  /// Waits for exit; returns the exit code (128+signal when killed).
  int wait() {
    if (reaped_) return code_;
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return code_;
  }
  /// Non-blocking: true (and the code in *code) if it has exited.
  bool try_wait(int* code) {
    if (reaped_) { *code = code_; return true; }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    reaped_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    *code = code_;
    return true;
  }
  std::string out() const { return read_file(out_path_); }
  std::string err() const { return read_file(err_path_); }

 private:
  TempDir dir_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int code_ = -1;
};

/// Runs argv[0] (a path) with arguments to completion.
inline ProcessResult run_process(const std::vector<std::string>& argv,
                                 const std::map<std::string, std::string>& env = {}) {
  Child child(argv, env);
  ProcessResult result;
  if (!child.started()) return result;
  result.exit_code = child.wait();
  result.out = child.out();
  result.err = child.err();
  return result;
}

/// Runs the plazo binary under test. $PLAZO_CONFIG and $PLAZO_DATABASE are
/// cleared unless given in `env`, so the caller's shell cannot leak in.
inline ProcessResult run_plazo(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), PLAZO_BINARY);
  env.emplace("PLAZO_CONFIG", "");
  env.emplace("PLAZO_DATABASE", "");
  env.emplace("JOURNAL_STREAM", "");
  return run_process(args, env);
}

}  // namespace plazo::testing

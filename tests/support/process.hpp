// Runs the real `caviar` program (or any program) for integration tests: arguments as a
// vector (no shell), extra environment, captured stdout/stderr, exit code, and signals.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace caviar::test {

/// In a forked child: sets `env` and runs argv[0] (a path; no shell). Exits 127 if it cannot.
[[noreturn]] inline void exec_child(const std::vector<std::string>& argv,
                                    const std::map<std::string, std::string>& env) {
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
}

/// Waits for a child; its exit code, or 128 + N when signal N killed it.
inline int reap(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct process_result {
    int exit_code = -1;  // 128 + N when killed by signal N
    std::string out, err;
};

class process {
public:
    process(const std::vector<std::string>& argv,
            const std::map<std::string, std::string>& env = {}) {
        static int counter = 0;
        auto base = std::filesystem::temp_directory_path() /
                    ("caviar-proc-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        out_path_ = base.string() + ".out";
        err_path_ = base.string() + ".err";
        pid_ = ::fork();
        if (pid_ == 0) {
            int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int in = ::open("/dev/null", O_RDONLY);
            ::dup2(in, 0);
            ::dup2(out, 1);
            ::dup2(err, 2);
            exec_child(argv, env);
        }
    }
    ~process() {
        if (pid_ > 0 && !waited_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
        std::filesystem::remove(out_path_);
        std::filesystem::remove(err_path_);
    }

    void signal(int sig) { ::kill(pid_, sig); }

    process_result wait() {
        process_result r;
        r.exit_code = reap(pid_);
        waited_ = true;
        r.out = slurp(out_path_);
        r.err = slurp(err_path_);
        return r;
    }

    /// Current stderr so far (to wait for progress before signalling).
    std::string err_so_far() const { return slurp(err_path_); }

private:
    static std::string slurp(const std::string& path) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    pid_t pid_ = -1;
    bool waited_ = false;
    std::string out_path_, err_path_;
};

inline process_result run(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {}) {
    return process(argv, env).wait();
}

/// A fresh temporary folder, removed with the object.
class temp_dir {
public:
    temp_dir() {
        static int counter = 0;
        path_ = std::filesystem::temp_directory_path() /
                ("caviar-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& s) const { return path_ / s; }
    /// Writes a file in the folder and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name) << text;
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

}  // namespace caviar::test

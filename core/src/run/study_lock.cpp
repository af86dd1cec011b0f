#include "run/study_lock.hpp"

#include "store/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace caviar {

std::filesystem::path study_folder(const std::filesystem::path& store, const std::string& study) {
    return store.parent_path() / (store.stem().string() + "-files") / study;
}

std::filesystem::path trials_folder(const std::filesystem::path& store, const std::string& study,
                                    long owner) {
    if (!store::is_memory(store)) return study_folder(store, study);
    return std::filesystem::temp_directory_path() / ("caviar-memory-" + std::to_string(owner)) /
           study;
}

std::filesystem::path study_lock_file(const std::filesystem::path& store,
                                      const std::string& study) {
    return study_folder(store, study) / "run.lock";
}

study_lock::study_lock(const std::filesystem::path& file, const std::string& study,
                       std::chrono::milliseconds patience) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error("cannot open the lock file " + file.string() + ": " +
                                 std::strerror(errno));
    // A caviar ctl holds the lock for a moment while it acts on a study no process runs: wait
    // that long before calling the study busy.
    const auto until = std::chrono::steady_clock::now() + patience;
    int locked = ::flock(fd_, LOCK_EX | LOCK_NB);
    while (locked != 0 && errno == EWOULDBLOCK && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        locked = ::flock(fd_, LOCK_EX | LOCK_NB);
    }
    if (locked != 0) {
        int err = errno;
        char pid[32] = {};
        ssize_t n = ::pread(fd_, pid, sizeof pid - 1, 0);
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) {
            std::string holder =
                n > 0 ? " (pid " + std::string(pid, static_cast<std::size_t>(n)) + ")"
                      : std::string();
            throw study_busy("study \"" + study + "\" is being run by another caviar process" +
                                 holder +
                                 "; one process runs a study at a time (it may use every "
                                 "core): wait for it, or stop it and run again to resume",
                             n > 0 ? std::atol(pid) : 0);
        }
        throw std::runtime_error("cannot lock " + file.string() + ": " + std::strerror(err));
    }
    // Who holds it, for the message above; best effort.
    std::string me = std::to_string(::getpid());
    if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, me.data(), me.size(), 0);
}

study_lock::~study_lock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace caviar

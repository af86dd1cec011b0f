// One process at a time per study: two `caviar run`s on the same study would each requeue the
// other's running trials. An advisory lock (flock) on a file in the study's folder says a study
// is taken; the kernel drops it when the process ends, however it ends (kill -9 included), so a
// stale lock never blocks a resume.
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace caviar {

/// STORE-files/STUDY beside the store: the study's folder (trials' workdirs, the run lock).
std::filesystem::path study_folder(const std::filesystem::path& store, const std::string& study);
/// Where the study's trials keep their folders: study_folder(), or, for an in-memory store
/// (`owner`'s alone, nothing beside it), caviar-memory-OWNER/STUDY in the temporary folder.
std::filesystem::path trials_folder(const std::filesystem::path& store, const std::string& study,
                                    long owner);
/// The run lock's file in the study's folder.
std::filesystem::path study_lock_file(const std::filesystem::path& store, const std::string& study);

/// Another process holds the study (a `caviar run` of it, or a `caviar ctl` acting on it).
class study_busy : public std::runtime_error {
public:
    study_busy(const std::string& message, long pid) : std::runtime_error(message), pid_(pid) {}
    /// The holder's pid as it wrote it, 0 when unknown.
    long pid() const { return pid_; }

private:
    long pid_;
};

class study_lock {
public:
    /// Takes the lock on `file` (created with its folders if missing), trying again for up to
    /// `patience` while another process holds it; throws study_busy naming `study` and the
    /// process that holds it, or std::runtime_error when the file cannot be opened.
    study_lock(const std::filesystem::path& file, const std::string& study,
               std::chrono::milliseconds patience = std::chrono::milliseconds(0));
    ~study_lock();
    study_lock(const study_lock&) = delete;
    study_lock& operator=(const study_lock&) = delete;
    study_lock(study_lock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    study_lock& operator=(study_lock&&) = delete;

private:
    int fd_ = -1;
};

}  // namespace caviar

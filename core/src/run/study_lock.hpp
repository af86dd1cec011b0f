// One process at a time per study: two `caviar run`s on the same study would each requeue the
// other's running trials. An advisory lock (flock) on a file in the study's folder says a study
// is taken; the kernel drops it when the process ends, however it ends (kill -9 included), so a
// stale lock never blocks a resume.
#pragma once

#include <filesystem>
#include <string>

namespace caviar {

class study_lock {
public:
    /// Takes the lock on `file` (created with its folders if missing) or throws
    /// std::runtime_error naming `study` and the process that holds it.
    study_lock(const std::filesystem::path& file, const std::string& study);
    ~study_lock();
    study_lock(const study_lock&) = delete;
    study_lock& operator=(const study_lock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace caviar

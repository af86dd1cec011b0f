// The subcommands of the `caviar` program. Each takes the arguments after its name and returns
// the process exit code.
#pragma once

#include <string>
#include <vector>

namespace caviar::cli {

/// 0 done, 1 study error, 2 usage or config error, 3 a retune found drift; 128+N when stopped
/// by signal N.
enum exit_code : int { ok = 0, study_failed = 1, usage = 2, drifted = 3 };

using args = std::vector<std::string>;

int run_command(const args& a);
int validate_command(const args& a);
int plugins_command(const args& a);
int best_command(const args& a);
int trials_command(const args& a);
int enqueue_command(const args& a);
int new_command(const args& a);
int show_command(const args& a);
int report_command(const args& a);
int curves_command(const args& a);
int lineage_command(const args& a);
int ctl_command(const args& a);
int check_command(const args& a);
int serve_command(const args& a);
int retune_command(const args& a);
int history_command(const args& a);
/// The hidden `__worker`: a trial process of a study with isolation = "process".
int worker_command(const args& a);

}  // namespace caviar::cli

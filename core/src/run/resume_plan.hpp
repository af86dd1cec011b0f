// How a paused trial goes back to running: from its own checkpoint, from another trial's (an
// exploit), or from step 0; with which params; what the store records. A pure function of the
// trial, the job and what the model can do, so every case is tested without a store or a model.
#pragma once

#include <caviar/model.hpp>
#include <caviar/space.hpp>
#include <caviar/strategy.hpp>
#include <caviar/trial.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace caviar {

struct resume_facts {
    const caviar::space& space;
    model_capabilities capabilities;
    std::span<const std::string> architecture;
    /// The step of the trial's own checkpoint, and of the donor's (job::from), when saved.
    std::optional<std::int64_t> own_checkpoint, donor_checkpoint;
    /// A person asked for it (caviar ctl): an architecture param never changes, with or
    /// without checkpoints. A strategy may change one when the trial restarts anyway.
    bool manual = false;
};

struct resume_plan {
    /// Non-empty: the resume cannot happen, and why.
    std::string refusal;
    caviar::params params;        // the trial's params from now on
    bool params_changed = false;  // ... differ from the ones it had
    /// The trial whose checkpoint the run loads (the trial's own, or the donor's); -1 = none:
    /// the run starts from step 0.
    std::int64_t checkpoint_of = -1;
    bool copy_checkpoint = false;    // an exploit: the donor's checkpoint becomes the trial's own
    std::int64_t keep_curve_to = 0;  // curve points after this step are dropped
    std::int64_t first_step = 0;     // the steps the resumed run starts at
    bool update = false;             // call run::update(params) after loading the checkpoint
    /// A restart from step 0: the trial's own checkpoint (of the run it replaces) is deleted.
    bool drop_checkpoint = false;
    /// What the store records, in order: {kind, detail}.
    std::vector<std::pair<std::string, nlohmann::json>> events;
};

/// The name of the first architecture param whose value differs between a and b (present in
/// one and not the other counts), or nullopt.
std::optional<std::string> architecture_change(const params& a, const params& b,
                                               std::span<const std::string> architecture);

/// The plan for resuming paused trial t with job j (kind resume; j.params empty = keep the
/// trial's params; j.from >= 0 = continue from trial `donor`'s checkpoint).
resume_plan plan_resume(const trial& t, const job& j, const trial* donor, const resume_facts& f);

}  // namespace caviar

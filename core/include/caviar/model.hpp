// Model plugins train (or evaluate) one trial's params, one step at a time.
#pragma once

#include <caviar/export.hpp>
#include <caviar/plugin_kind.hpp>
#include <caviar/space.hpp>
#include <caviar/trial.hpp>
#include <caviar/value.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace caviar {

/// One trial's training state. Thread: used by one worker thread at a time (not always the
/// same one). Lifetime: created by model::start, destroyed by the host.
class CAVIAR_API run {
public:
    virtual ~run();

    /// One unit of budget (an epoch); returns the metrics after it. Throwing fails the trial.
    virtual metrics step() = 0;
    /// Whether the run has reached its natural end (e.g. its last epoch).
    virtual bool done() const = 0;

    /// Checkpoints, when the model has them (model::capabilities().checkpoints()).
    virtual void save(std::ostream& out) const;
    virtual void load(std::istream& in);
    /// Changes non-architecture params between steps (capabilities().update()).
    virtual void update(const params& p);

    /// Asks a step() or done() running on another thread to return early (a trial timeout, or
    /// the study stopping: Ctrl-C, `caviar ctl stop`); that call should then throw. Thread:
    /// called from the host's watchdog thread while step() runs, so it must be thread-safe; the
    /// default does nothing (the run stops at its next step boundary).
    virtual void cancel() noexcept;
};

/// Where a run belongs, for models that keep files or name things per trial.
struct run_context {
    std::int64_t trial = 0;  // the trial's number
    std::string study;       // the study's name
    /// A folder for this trial's files, beside the store (STORE-files/STUDY/trial-N); not
    /// created by the host: a model that writes files creates it.
    std::filesystem::path workdir;
};

/// What a model can do besides stepping. A set of flags in one word, so a new capability is a
/// new enumerator, not a change of layout that would break built plugins.
enum class capability : unsigned {
    checkpoints = 0,  // run::save / run::load work
    update = 1,       // run::update works
};

class model_capabilities {
public:
    constexpr model_capabilities() = default;
    constexpr model_capabilities(std::initializer_list<capability> cs) {
        for (capability c : cs) add(c);
    }
    constexpr bool has(capability c) const { return (bits_ >> static_cast<unsigned>(c)) & 1u; }
    constexpr model_capabilities& add(capability c) {
        bits_ |= std::uint64_t{1} << static_cast<unsigned>(c);
        return *this;
    }
    constexpr bool checkpoints() const { return has(capability::checkpoints); }
    constexpr bool update() const { return has(capability::update); }
    constexpr bool operator==(const model_capabilities&) const = default;

private:
    std::uint64_t bits_ = 0;
};

/// "checkpoints", "update"; capability_from_string throws std::invalid_argument on others.
CAVIAR_API const char* to_string(capability c);
CAVIAR_API capability capability_from_string(std::string_view s);
/// "checkpoints,update" (empty for none), and back; unknown names are skipped when reading, so
/// a store written by a newer caviar still reads.
CAVIAR_API std::string to_string(model_capabilities c);
CAVIAR_API model_capabilities capabilities_from_string(std::string_view s);

/// Thread: start() is called from many worker threads at once and must be thread-safe;
/// the other methods are called on the main thread before trials run.
/// Lifetime: built once per study from its options (load shared data here, read-only after).
class CAVIAR_API model {
public:
    using interface = model;
    static constexpr plugin_kind kind = plugin_kind::model;

    virtual ~model();

    /// Checks the model can train over this space (names, kinds, sizes); throws
    /// std::invalid_argument with a message for the user.
    virtual void prepare(const space& s);

    /// A new run of params, seeded for reproducibility. Override this one or the one with a
    /// run_context (a model that needs the trial number or a folder for files).
    virtual std::unique_ptr<run> start(const params& p, std::uint64_t seed) const;
    /// The host calls this one; the default forwards to start(p, seed).
    virtual std::unique_ptr<run> start(const params& p, std::uint64_t seed,
                                       const run_context& ctx) const;

    /// Steps a full run takes (epochs); 1 for a one-shot function.
    virtual std::int64_t max_steps() const = 0;
    /// Metric names reported each step, e.g. {"val_accuracy", "val_loss", "train_loss"}.
    virtual std::vector<std::string> metric_names() const = 0;
    virtual model_capabilities capabilities() const { return {}; }
    /// Params that cannot change mid-run (layer counts, ...).
    virtual std::vector<std::string> architecture() const { return {}; }
};

}  // namespace caviar

// One trial's training: an epoch per step, checkpoints, and training params changed mid-run.
#pragma once

#include "dataset.hpp"
#include "hyperparams.hpp"
#include "network.hpp"
#include "random.hpp"

#include <caviar/model.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace caviar::mlp {

class mlp_run : public caviar::run {
public:
    /// data is shared with the model and every other run, read-only.
    mlp_run(std::shared_ptr<const dataset> data, const hyperparams& h, std::int64_t epochs,
            std::uint64_t seed);

    /// One epoch over the shuffled train set, then a pass over the validation set. Returns
    /// val_accuracy, val_loss (mean cross-entropy) and train_loss (mean cross-entropy of the
    /// epoch's training examples, each weighed once, as measured on its batch). When a batch's
    /// loss is not finite, training stops and done() becomes true: that step reports the
    /// non-finite train_loss and NaN val metrics, any later step NaN for all three (the host
    /// fails a trial whose objective is not finite).
    caviar::metrics step() override;
    bool done() const override { return diverged_ || epoch_ >= epochs_; }

    void save(std::ostream& out) const override;
    /// Refuses (std::invalid_argument) a checkpoint of another architecture (optimizer included)
    /// or other data; the run is unchanged when this throws.
    void load(std::istream& in) override;
    void update(const caviar::params& p) override;

private:
    update_rule rule() const;

    std::shared_ptr<const dataset> data_;
    hyperparams params_;
    std::int64_t epochs_;
    random_engine rng_;
    network net_;
    std::int64_t epoch_ = 0;
    bool diverged_ = false;
    std::vector<Eigen::Index> order_;  // train rows in this epoch's order
};

}  // namespace caviar::mlp

// The study as the strategy sees it (study_view): the trial book read-only, the sampler behind
// propose(), and prune() handed back to the coordinator. Valid for the life of the coordinator;
// used under its lock.
#pragma once

#include "run/study_config.hpp"
#include "run/trial_book.hpp"

#include <caviar/sampler.hpp>
#include <caviar/strategy.hpp>

#include <functional>
#include <vector>

namespace caviar {

class strategy_view final : public study_view {
public:
    using prune_fn = std::function<void(std::int64_t trial, std::string reason)>;

    strategy_view(const study_config& cfg, const trial_book& book, caviar::sampler& smp,
                  prune_fn prune);

    const caviar::space& space() const override { return cfg_.space; }
    const caviar::objective& objective() const override { return cfg_.objective; }
    std::int64_t budget() const override { return cfg_.budget; }
    std::int64_t max_steps() const override { return cfg_.max_steps; }
    std::span<const trial* const> trials() const override { return book_.all(); }
    std::int64_t count(trial_state s) const override { return book_.count(s); }
    params propose(const caviar::space& s) override;
    std::uint64_t seed() const override { return cfg_.seed; }
    model_capabilities capabilities() const override { return cfg_.capabilities; }
    std::span<const std::string> architecture() const override { return cfg_.architecture; }
    void prune(std::int64_t trial, std::string reason) override {
        prune_(trial, std::move(reason));
    }
    bool held(std::int64_t trial) const override { return book_.held(trial); }

private:
    const study_config& cfg_;
    const trial_book& book_;
    caviar::sampler& sampler_;
    prune_fn prune_;
    std::vector<const trial*> prior_;                         // into cfg_.prior
    std::int64_t proposal_number_ = -1, proposal_calls_ = 0;  // propose() calls per trial number
};

}  // namespace caviar

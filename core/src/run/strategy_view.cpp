#include "run/strategy_view.hpp"

#include <caviar/seed.hpp>

#include <stdexcept>

namespace caviar {

strategy_view::strategy_view(const study_config& cfg, const trial_book& book, caviar::sampler& smp,
                             prune_fn prune)
    : cfg_(cfg), book_(book), sampler_(smp), prune_(std::move(prune)) {
    for (const auto& t : cfg_.prior) prior_.push_back(&t);
}

params strategy_view::propose(const caviar::space& s) {
    // A narrowed space (coarse to fine) is shown only the trials inside it: samplers map the
    // history into s's unit cube, where trials outside it would fall off [0, 1].
    const bool narrowed = &s != &cfg_.space && s.hash() != cfg_.space.hash();
    std::vector<const trial*> inside;
    if (narrowed)
        for (const trial* t : book_.finished())
            if (s.contains(t->params)) inside.push_back(t);
    std::vector<params> pending;
    for (std::int64_t n : book_.running()) {
        const trial& t = book_.at(n);
        if (!narrowed || s.contains(t.params)) pending.push_back(t.params);
    }
    const std::int64_t number = book_.size();
    // Several proposals before the next trial starts (a strategy drawing candidates) get
    // different seeds; the first keeps the seed of the trial number, as it always had.
    if (number != proposal_number_) proposal_number_ = number, proposal_calls_ = 0;
    std::uint64_t seed = derive_seed(cfg_.seed, static_cast<std::uint64_t>(number));
    if (proposal_calls_ > 0) seed = derive_seed(seed, static_cast<std::uint64_t>(proposal_calls_));
    ++proposal_calls_;
    sample_request req{
        .space = s,
        .finished = narrowed ? std::span<const trial* const>(inside) : book_.finished(),
        .pending = pending,
        .prior = prior_,
        .objective = cfg_.objective,
        .number = number,
        .seed = seed,
        .budget = cfg_.budget,
        .study_seed = cfg_.seed};
    params p = sampler_.propose(req);
    if (!s.contains(p)) {
        std::string text;
        for (const auto& [k, v] : p) text += (text.empty() ? "" : ", ") + k + "=" + to_string(v);
        throw std::runtime_error("proposed params outside the space: " + text);
    }
    return p;
}

}  // namespace caviar

// Categorical dimensions, sampled apart from CMA-ES and from each other by how often each
// choice appears among good trials.
#pragma once

#include <caviar/sampler.hpp>
#include <caviar/seed.hpp>

#include <cstddef>
#include <vector>

namespace caviar::cmaes {

/// A dimension with K choices takes choice c with probability
///     0.9 * (1 + g_c) / (K + G) + 0.1 / K,
/// where G good trials are the best quarter (rounded up) of the complete trials in
/// req.finished plus the best warm_start_top of the req.prior trials that fit the space, and
/// g_c of them have choice c (trials where the dimension is inactive are not counted). With no
/// good trials this is uniform; the 0.1 / K floor keeps every choice in play.
class categorical_model {
public:
    categorical_model(const sample_request& req, double warm_start_top);

    /// Sets u[d] for each categorical dimension d to the centre of a drawn choice's cell.
    void draw(rng& r, std::vector<double>& u) const;

private:
    std::vector<std::vector<double>> probabilities_;  // by dimension index
};

}  // namespace caviar::cmaes

// Where to sample next: the point of highest log expected improvement, searched among many
// quasi-random candidates and perturbations of the best trials, then refined by a coordinate
// search from the best few.
//
// Every point scored is first snapped onto values the space can take (ints, steps, choices,
// inactive dimensions), so the search compares real configurations: an int is never chosen
// for an acquisition value between two ints that neither has.
#pragma once

#include "encoding.hpp"
#include "posterior.hpp"

#include <caviar/seed.hpp>
#include <caviar/space.hpp>

#include <cstddef>
#include <vector>

namespace caviar::gp {

struct search_settings {
    std::size_t candidates = 512;  // quasi-random points
    std::size_t local = 256;       // perturbations of the best trials
    std::size_t refined = 5;       // best points the coordinate search starts from
    int rounds = 12;               // most coordinate-search rounds

    /// Each score costs O(n^2) for n points in the model: beyond `full` points, fewer
    /// candidates (in proportion, at least a quarter) and 3 refined points keep a proposal near
    /// a constant cost, when the model knows the space well.
    search_settings for_model_of(std::size_t n, std::size_t full = 250) const;
};

class acquisition {
public:
    /// The posterior's points from `running` on are running trials at their believed values.
    acquisition(const space& s, const encoding& enc, const posterior& post, double best,
                std::size_t running)
        : space_(s), encoding_(enc), posterior_(post), best_(best), running_(running) {}

    /// log EI of each (snapped) unit point; -inf within a tenth of a length scale of a running
    /// trial. Beside a running trial's believed value, where the mean is steep (at a face of the
    /// box), a tiny step can keep the highest EI of all, and every worker would be sent to
    /// nearly the same point.
    std::vector<double> score(const std::vector<std::vector<double>>& points) const;

    /// Snapped unit points, best first and distinct, from the search seeded by r; `top` are the
    /// best trials' unit points, to perturb.
    std::vector<std::vector<double>> maximise(const std::vector<std::vector<double>>& top, rng& r,
                                              const search_settings& settings) const;

private:
    void refine(std::vector<std::vector<double>>& points, std::vector<double>& scores,
                int rounds) const;

    const space& space_;
    const encoding& encoding_;
    const posterior& posterior_;
    double best_;
    std::size_t running_;
};

}  // namespace caviar::gp

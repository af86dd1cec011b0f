// What `caviar retune` re-evaluates: the best configurations of an old study that still fit
// today's space, each queued R times in a new study linked to the old one. Repeat r of every
// configuration gets the same seed, so configurations compare pair by pair over the seeds.
#pragma once

#include "report/drift.hpp"
#include "store/store.hpp"

#include <caviar/space.hpp>
#include <caviar/trial.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace caviar::retune {

struct choice {
    std::vector<drift::configuration> configurations;           // in old rank order
    std::vector<std::pair<std::int64_t, std::string>> skipped;  // old trial, why
    std::int64_t complete = 0;                                  // complete trials the old study has
    std::vector<std::string> notes;  // what was changed to fit today's space
};

/// The `top` best complete trials of `old` (by `obj`) that fit `today`; those that do not are
/// skipped with the reason (a value out of its dimension's new range, a new dimension without a
/// value), and the next best take their places.
choice choose(const std::vector<trial>& old, const objective& obj, std::int64_t top,
              const space& today);

/// The seed of repeat r of every configuration.
std::uint64_t repeat_seed(std::uint64_t study_seed, std::int64_t repeat);

/// Creates the new study (`record`, already linked to its parent) with its re-evaluations as
/// queued trials numbered repeat by repeat (r × K + i), in one transaction. Throws store_error
/// when a study of that name exists.
study_record create(store& db, study_record record,
                    const std::vector<drift::configuration>& configurations, std::int64_t repeats);

/// Queues the new search's best trial `best` again, once per repeat with that repeat's seed, so
/// it compares pair by pair with the re-evaluations before it may decide the verdict. Returns
/// how many trials were queued.
std::int64_t confirm(store& db, const study_record& study, const trial& best, std::int64_t repeats);

/// How many re-evaluation trials the study holds (its first phase), 0 for a study that is not a
/// retune.
std::int64_t reevaluations(const std::vector<trial>& trials);

}  // namespace caviar::retune

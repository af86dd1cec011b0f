// Everything a plugin author needs.
#pragma once

#include <caviar/dimension.hpp>
#include <caviar/errors.hpp>
#include <caviar/model.hpp>
#include <caviar/options.hpp>
#include <caviar/plugin.hpp>
#include <caviar/plugin_kind.hpp>
#include <caviar/sampler.hpp>
#include <caviar/seed.hpp>
#include <caviar/seen_trials.hpp>
#include <caviar/space.hpp>
#include <caviar/strategy.hpp>
#include <caviar/trial.hpp>
#include <caviar/value.hpp>

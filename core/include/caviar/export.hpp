// Symbol visibility. Plugins are built with hidden visibility, so every type the host and the
// plugins share is exported from libcaviar exactly once (one vtable, one typeinfo).
#pragma once

#define CAVIAR_API __attribute__((visibility("default")))
